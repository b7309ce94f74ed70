import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import type { Work } from '../store/committer.js';
import { claimKeys, releaseClaims } from './claim-keys.js';
import { type PaymentOutcome, type PaymentRequest, postPaymentBatch } from './post-batch.js';

/**
 * A unique-key violation (or a SQLite busy snapshot) means another process committed the
 * same idempotency key or provider transaction between our read and our write: the batch
 * rolled back as a whole, so it is run again on fresh reads (which now see the other write
 * and replay it).
 */
const RETRYABLE = [
  '23505',
  '40001',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
];

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE.includes(code);
}

/** Runs `work` through the group committer, again (up to 5 times) after a concurrent writer. */
async function withRetry<T>(ctx: AppContext, work: Work<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.committer.run(work);
    } catch (err) {
      if (attempt >= 5 || !isUniqueViolation(err)) throw err;
      ctx.logger.warn({ attempt }, 'payment batch met a concurrent writer; retrying');
      await ctx.clock.sleep(10 * attempt);
    }
  }
}

/** Submits payment requests; they are posted in batches through the group committer. */
export interface PaymentQueue {
  submit(req: PaymentRequest): Promise<PaymentOutcome>;
}

/** Test seam: runs after a group's keys are claimed (committed) and before it is posted. */
export interface QueueHooks {
  afterClaim?: (scopeKeys: string[]) => Promise<void>;
}

interface Waiting {
  req: PaymentRequest;
  resolve: (o: PaymentOutcome) => void;
  reject: (e: unknown) => void;
}

const IN_FLIGHT = () =>
  new Problem(
    409,
    'request-in-flight',
    'a request with this Idempotency-Key is still being processed; retry later',
    '/headers/idempotency-key',
  );

/**
 * The one way payments are posted (API, screens, files). Requests that arrive while a group
 * is committing wait and go together as the next group, as soon as the previous one is done
 * (no timer): first the group's Idempotency-Keys are claimed in the database (one commit, so
 * every server sharing it answers 409 for a key in flight), then the claimed requests are
 * posted in one transaction (a second commit). A key in flight in this process gets 409 at
 * once, without touching the database.
 */
export function createPaymentQueue(
  getCtx: () => AppContext,
  maxBatch = 256,
  hooks: QueueHooks = {},
): PaymentQueue {
  const waiting: Waiting[] = [];
  const inFlight = new Set<string>();
  let running = false;

  /**
   * Lets requests already being parsed reach the queue: yields to the event loop while the
   * queue keeps growing (a synchronous SQLite commit blocks the loop, so arrivals queue up
   * in the socket buffers and are read on the next turn).
   */
  async function gather(): Promise<void> {
    let seen = -1;
    for (let turn = 0; turn < 8 && waiting.length !== seen && waiting.length < maxBatch; turn++) {
      seen = waiting.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Claims the group's keys; answers the requests that may not go on; returns the rest. */
  async function claim(ctx: AppContext, batch: Waiting[]): Promise<Waiting[]> {
    const reqs = batch.map((b) => b.req);
    const claims = await withRetry(ctx, (trx) => claimKeys(trx, reqs, ctx.clock.wallMs()));
    return batch.filter((b, i) => {
      const c = claims[i]!;
      if (!c.claimed) b.resolve(c.outcome);
      return c.claimed;
    });
  }

  async function post(ctx: AppContext, group: Waiting[]): Promise<void> {
    const reqs = group.map((b) => b.req);
    try {
      const outcomes = await withRetry(ctx, (trx) => postPaymentBatch(ctx, trx, reqs));
      for (const [i, b] of group.entries()) b.resolve(outcomes[i]!);
      ctx.logger.debug({ payments: group.length }, 'payment group posted');
    } catch (err) {
      for (const b of group) b.reject(err);
      const keys = reqs.map((r) => r.scopeKey);
      await ctx.committer
        .run((trx) => releaseClaims(trx, keys))
        .catch((e: unknown) => {
          ctx.logger.error({ err: e }, 'could not release idempotency claims (lease expires)');
        });
    }
  }

  async function runBatch(batch: Waiting[]): Promise<void> {
    const ctx = getCtx();
    try {
      const claimed = await claim(ctx, batch);
      if (claimed.length === 0) return;
      await hooks.afterClaim?.(claimed.map((b) => b.req.scopeKey));
      await post(ctx, claimed);
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      for (const b of batch) inFlight.delete(b.req.scopeKey);
    }
  }

  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (waiting.length > 0) {
        await gather();
        await runBatch(waiting.splice(0, maxBatch));
      }
    } finally {
      running = false;
    }
  }

  return {
    submit(req) {
      if (inFlight.has(req.scopeKey)) return Promise.resolve({ ok: false, problem: IN_FLIGHT() });
      inFlight.add(req.scopeKey);
      return new Promise((resolve, reject) => {
        waiting.push({ req, resolve, reject });
        void drain();
      });
    },
  };
}
