import { Gauge, Registry } from 'prom-client';
import type { SyncDb } from './sync-schema.js';
import { gatewayLag } from './lag.js';

/**
 * Per-gateway lag gauges, read from the store on each scrape:
 * gridbill_sync_acked_seq, gridbill_sync_pending_events, gridbill_sync_last_contact_seconds
 * (epoch seconds), gridbill_sync_quarantined_events, labelled by gateway.
 */
export function createSyncMetrics(db: SyncDb, registry = new Registry()) {
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['gateway'], registers: [registry] });
  const acked = gauge('gridbill_sync_acked_seq', 'Highest upstream seq acknowledged');
  const pending = gauge('gridbill_sync_pending_events', 'Events the gateway still holds');
  const contact = gauge('gridbill_sync_last_contact_seconds', 'Last sync request (epoch s)');
  const quarantined = gauge('gridbill_sync_quarantined_events', 'Events quarantined');
  const refresh = async () => {
    for (const g of await gatewayLag(db)) {
      acked.set({ gateway: g.gatewayId }, g.ackedThroughSeq);
      pending.set({ gateway: g.gatewayId }, g.pendingEvents);
      contact.set({ gateway: g.gatewayId }, Math.floor(g.lastContactMs / 1000));
      quarantined.set({ gateway: g.gatewayId }, g.quarantined);
    }
  };
  return { registry, refresh };
}
