import type { Transaction } from 'kysely';
import { Problem } from '../app/problem.js';
import { smallInt } from '../store/int.js';
import type { Database } from '../store/schema.js';
import type { PaymentOutcome, PaymentRequest } from './post-batch.js';

/** `status_code` of a claimed Idempotency-Key whose request is still being processed. */
export const PENDING_STATUS = 0n;
/** A claim older than this is taken over: the server holding it crashed or gave up. */
export const CLAIM_LEASE_MS = 60_000;

/** Per request: claimed (go on and post it), or answered already (replay, 409, 422). */
export type Claim = { claimed: true } | { claimed: false; outcome: PaymentOutcome };

const inFlight = () =>
  new Problem(
    409,
    'request-in-flight',
    'a request with this Idempotency-Key is still being processed; retry later',
    '/headers/idempotency-key',
  );

const reused = () =>
  new Problem(
    422,
    'idempotency-key-reused',
    'this Idempotency-Key was used with a different request body',
    '/headers/idempotency-key',
  );

type KeyRow = Database['idempotency_keys'];

/** What an existing row means for a request carrying its key. */
function answer(row: KeyRow, r: PaymentRequest, nowMs: number): Claim | 'take-over' {
  if (row.request_hash !== r.requestHash) return { claimed: false, outcome: fail(reused()) };
  if (row.status_code !== PENDING_STATUS) {
    const body = JSON.parse(row.response_body);
    const status = smallInt(row.status_code);
    return { claimed: false, outcome: { ok: true, status, body, replayed: true } };
  }
  if (smallInt(row.created_at_ms) + CLAIM_LEASE_MS <= nowMs) return 'take-over';
  return { claimed: false, outcome: fail(inFlight()) };
}

const fail = (problem: Problem): PaymentOutcome => ({ ok: false, problem });

/**
 * Claims the Idempotency-Keys of a group in the database (one SELECT, one multi-row INSERT of
 * pending rows), inside `trx`; once committed, every server sharing the database answers 409
 * for a key still in flight, replays a finished one, and 422 for the same key with another
 * body. A pending claim older than the lease is taken over. The same key twice in one group:
 * the first claims it, the second gets 409.
 *
 * @example claimKeys(trx, [reqA, reqA], nowMs)  // [{ claimed: true }, { claimed: false,
 *   //  outcome: { ok: false, problem: 409 request-in-flight } }]
 */
export async function claimKeys(
  trx: Transaction<Database>,
  reqs: readonly PaymentRequest[],
  nowMs: number,
): Promise<Claim[]> {
  if (reqs.length === 0) return [];
  const keys = [...new Set(reqs.map((r) => r.scopeKey))];
  const rows = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope_key', 'in', keys)
    .execute();
  const existing = new Map(rows.map((r) => [r.scope_key, r]));
  const fresh: KeyRow[] = [];
  const takeOver: KeyRow[] = [];
  const out = reqs.map((r): Claim => {
    const row = existing.get(r.scopeKey);
    const verdict = row ? answer(row, r, nowMs) : 'new';
    if (verdict !== 'new' && verdict !== 'take-over') return verdict;
    const claim: KeyRow = {
      scope_key: r.scopeKey,
      request_hash: r.requestHash,
      status_code: PENDING_STATUS,
      response_body: '',
      created_at_ms: BigInt(nowMs),
    };
    existing.set(r.scopeKey, claim);
    (verdict === 'new' ? fresh : takeOver).push(claim);
    return { claimed: true };
  });
  for (let i = 0; i < fresh.length; i += 300) {
    await trx
      .insertInto('idempotency_keys')
      .values(fresh.slice(i, i + 300))
      .execute();
  }
  for (const c of takeOver) {
    await trx
      .updateTable('idempotency_keys')
      .set({ request_hash: c.request_hash, created_at_ms: c.created_at_ms })
      .where('scope_key', '=', c.scope_key)
      .where('status_code', '=', PENDING_STATUS)
      .execute();
  }
  return out;
}

/** Drops pending claims (the request was refused or its post failed); finished rows stay. */
export async function releaseClaims(trx: Transaction<Database>, keys: readonly string[]) {
  for (let i = 0; i < keys.length; i += 300) {
    await trx
      .deleteFrom('idempotency_keys')
      .where('scope_key', 'in', keys.slice(i, i + 300))
      .where('status_code', '=', PENDING_STATUS)
      .execute();
  }
}
