export { batchJson } from './batch-wire.js';
export { OutboxStream } from './outbox-stream.js';
export { type SyncLoopOptions, startSyncLoop } from './sync-loop.js';
export {
  createUpstreamSender,
  DEFAULT_BATCH_SIZE,
  DEFAULT_IN_FLIGHT,
  type SendOutcome,
  type UpstreamSender,
  type UpstreamSenderOptions,
} from './upstream-sender.js';
export { type ApplyOutcome, applyChange } from './apply-change.js';
export {
  createDownstreamPuller,
  type DownstreamPuller,
  type PullerOptions,
  type PullResult,
} from './downstream-puller.js';
export { ensureInboxTables, readCheckpoint, type StoredCheckpoint } from './inbox.js';
export { type GatewaySyncOptions, startGatewaySync } from './gateway-sync.js';
export { type AttachSyncOptions, attachSync, loadSyncKey } from './attach-sync.js';
