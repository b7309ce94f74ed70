import { smallInt } from '../store/int.js';
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import type { Database } from '../store/schema.js';

/** Stable SHA-256 of a request body (bigint as decimal text, keys sorted). */
export function requestHashOf(body: unknown): string {
  const canon = (v: unknown): unknown => {
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canon(body)))
    .digest('hex');
}

export interface IdempotentResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

const inFlight = new WeakMap<AppContext, Set<string>>();

const toText = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/**
 * Runs `work` at most once per (scope, key): the key is claimed with an atomic insert in the
 * same transaction as the work, so a retry after commit replays the first response, a
 * reused key with another body gets 422, and a duplicate arriving while the first is still
 * in flight gets 409. A failed request stores nothing and may be retried.
 */
export async function withIdempotency(
  ctx: AppContext,
  scopeKey: string,
  requestHash: string,
  work: (trx: Transaction<Database>) => Promise<{ status: number; body: unknown }>,
): Promise<IdempotentResponse> {
  const running = inFlight.get(ctx) ?? new Set<string>();
  inFlight.set(ctx, running);
  if (running.has(scopeKey)) {
    throw new Problem(
      409,
      'request-in-flight',
      'a request with this Idempotency-Key is still being processed; retry later',
      '/headers/idempotency-key',
    );
  }
  running.add(scopeKey);
  try {
    return await ctx.committer.run((trx) => claimAndRun(ctx, trx, scopeKey, requestHash, work));
  } finally {
    running.delete(scopeKey);
  }
}

async function claimAndRun(
  ctx: AppContext,
  trx: Transaction<Database>,
  scopeKey: string,
  requestHash: string,
  work: (trx: Transaction<Database>) => Promise<{ status: number; body: unknown }>,
): Promise<IdempotentResponse> {
  const claim = await trx
    .insertInto('idempotency_keys')
    .values({
      scope_key: scopeKey,
      request_hash: requestHash,
      status_code: 0n,
      response_body: '',
      created_at_ms: BigInt(ctx.clock.wallMs()),
    })
    .onConflict((oc) => oc.column('scope_key').doNothing())
    .executeTakeFirst();
  if (BigInt(claim.numInsertedOrUpdatedRows ?? 0n) === 0n) {
    const row = await trx
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope_key', '=', scopeKey)
      .executeTakeFirstOrThrow();
    if (row.request_hash !== requestHash) {
      throw new Problem(
        422,
        'idempotency-key-reused',
        'this Idempotency-Key was used with a different request body',
        '/headers/idempotency-key',
      );
    }
    return {
      status: smallInt(row.status_code),
      body: JSON.parse(row.response_body),
      replayed: true,
    };
  }
  const out = await work(trx);
  await trx
    .updateTable('idempotency_keys')
    .set({ status_code: BigInt(out.status), response_body: toText(out.body) })
    .where('scope_key', '=', scopeKey)
    .execute();
  return { ...out, replayed: false };
}
