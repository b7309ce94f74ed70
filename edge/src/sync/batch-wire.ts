import type { OutboxRow } from '../store/outbox.js';

/**
 * The JSON text of an upstream batch from outbox rows (bodies are stored as JSON text, so they
 * are spliced in without a parse).
 * Example: rows seq 41..42 of gw-1, head 43 →
 *   '{"v":1,"gatewayId":"gw-1",…,"fromSeq":41,"headSeq":43,…,"events":[{"seq":41,…},…]}'.
 */
export function batchJson(
  b: { gatewayId: string; incarnation: string; headSeq: number; sentAtMs: number },
  rows: readonly OutboxRow[],
): string {
  const events = rows.map(
    (r) =>
      `{"seq":${r.seq},"eventId":${JSON.stringify(r.eventId)},"occurredAtMs":${r.occurredAtMs},` +
      `"clockTrusted":${r.clockTrusted},"kind":${JSON.stringify(r.kind)},"body":${r.body}}`,
  );
  return (
    `{"v":1,"gatewayId":${JSON.stringify(b.gatewayId)},` +
    `"incarnation":${JSON.stringify(b.incarnation)},"fromSeq":${rows[0]?.seq ?? 1},` +
    `"headSeq":${b.headSeq},"sentAtMs":${b.sentAtMs},"events":[${events.join(',')}]}`
  );
}
