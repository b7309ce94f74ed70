import { hash } from 'node:crypto';
import { canonicalJson, eventContentHash } from '@gridbill/shared/sync';

/** Canonical JSON of a block's `reads` and `balances`, kept from its hash for `edge_facts`. */
const sectionsJson = new WeakMap<object, { reads: string; balances: string }>();

interface HashedEvent {
  eventId: string;
  kind: string;
  occurredAtMs: number;
  clockTrusted: boolean;
  body: unknown;
}

/**
 * `eventContentHash` of an event, the same value; for an interval block it writes the canonical
 * JSON by hand around `canonicalJson` of each body member and keeps the `reads` and `balances`
 * texts (keyed by the body object, which central never mutates) for `blockFactsJson`.
 * Example: an interval block e → eventContentHash(e), and blockFactsJson(e.body, 1) then
 *   reuses its reads text.
 */
export function ingestContentHash(e: HashedEvent): string {
  const body = e.body as Record<string, unknown> | null;
  if (e.kind !== 'interval-block' || typeof body !== 'object' || body === null) {
    return eventContentHash(e);
  }
  const keys = Object.keys(body).sort();
  let bodyJson = '{';
  let reads = '';
  let balances = '';
  for (const key of keys) {
    const member = body[key];
    if (member === undefined) continue;
    const text = canonicalJson(member);
    if (key === 'reads') reads = text;
    if (key === 'balances') balances = text;
    bodyJson += `${bodyJson.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  bodyJson += '}';
  sectionsJson.set(body, { reads, balances });
  const text =
    `{"body":${bodyJson},"clockTrusted":${e.clockTrusted ? 'true' : 'false'},` +
    `"eventId":${JSON.stringify(e.eventId)},"kind":${JSON.stringify(e.kind)},` +
    `"occurredAtMs":${canonicalJson(e.occurredAtMs)}}`;
  return hash('sha256', text, 'hex');
}

/**
 * The `edge_facts` body of a block: its register reads (columnar, as sent) and the edge's
 * balances, with the row counts and id tables; reuses the texts written for its hash.
 * Example: a block of 2 intervals, meters ['m1'], … →
 *   '{"intervals":2,"meterIds":["m1"],"registers":[…],"reads":{…},"accountIds":[…],
 *     "balances":{…}}'.
 */
export function blockFactsJson(body: {
  intervals: { meter: readonly number[] };
  meterIds: readonly string[];
  registers: readonly string[];
  reads: object;
  accountIds: readonly string[];
  balances: object;
}): string {
  const kept = sectionsJson.get(body);
  const reads = kept?.reads ?? canonicalJson(body.reads);
  const balances = kept?.balances ?? canonicalJson(body.balances);
  return (
    `{"intervals":${body.intervals.meter.length},"meterIds":${JSON.stringify(body.meterIds)},` +
    `"registers":${JSON.stringify(body.registers)},"reads":${reads},` +
    `"accountIds":${JSON.stringify(body.accountIds)},"balances":${balances}}`
  );
}
