export { applyEvents } from './apply-events.js';
export { chargeEntry, type EdgeCharge } from './charge-postings.js';
export { activeKeys, registerGatewayKey } from './gateway-keys.js';
export { IngestRefusedError, type IngestResult, ingestBatch } from './ingest.js';
export { readIntervalDay } from './interval-rows.js';
export { type GatewayLag, gatewayLag } from './lag.js';
export { migrateSync } from './sync-migrations.js';
export { authenticateGateway, MAX_SYNC_BODY_BYTES, syncMount } from './sync-routes.js';
export { type SyncDb, syncDb } from './sync-schema.js';
