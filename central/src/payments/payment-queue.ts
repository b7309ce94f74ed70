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
 * (no timer): first the group's Idempotency-Keys are claimed in the database (committed, so
 * every server sharing it answers 409 for a key in flight), then the claimed requests are
 * posted in the next transaction, which also claims the group after them. A key in flight
 * in this process gets 409 at once, without touching the database.
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

  function rejectAll(batch: Waiting[], err: unknown) {
    for (const b of batch) {
      b.reject(err);
      inFlight.delete(b.req.scopeKey);
    }
  }

  /** One transaction: posts the group claimed last time, then claims the next group. */
  async function cycle(ctx: AppContext, toPost: Waiting[], next: Waiting[]) {
    const posting = toPost.map((b) => b.req);
    const claiming = next.map((b) => b.req);
    return withRetry(ctx, async (trx) => {
      const outcomes = posting.length > 0 ? await postPaymentBatch(ctx, trx, posting) : [];
      const claims = await claimKeys(trx, claiming, ctx.clock.wallMs());
      return { outcomes, claims };
    });
  }

  /** A cycle failed (rolled back): its posts fail, their claims are dropped; `next` retries. */
  async function failed(ctx: AppContext, toPost: Waiting[], err: unknown) {
    rejectAll(toPost, err);
    const keys = toPost.map((b) => b.req.scopeKey);
    if (keys.length === 0) return;
    await ctx.committer
      .run((trx) => releaseClaims(trx, keys))
      .catch((e: unknown) => {
        ctx.logger.error({ err: e }, 'could not release idempotency claims (lease expires)');
      });
  }

  /**
   * Pipelined: each transaction posts the group claimed by the previous one and claims the
   * requests that arrived meanwhile, so a busy queue makes one durable commit per group while
   * every key is visible as claimed (to all servers) before its payment is posted.
   */
  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    let claimed: Waiting[] = [];
    try {
      while (waiting.length > 0 || claimed.length > 0) {
        await gather();
        const ctx = getCtx();
        const toPost = claimed;
        const next = waiting.splice(0, maxBatch);
        claimed = [];
        let done: Awaited<ReturnType<typeof cycle>>;
        try {
          done = await cycle(ctx, toPost, next);
        } catch (err) {
          await failed(ctx, toPost, err);
          // The failure may be the posted group's: claim the next group again on its own.
          if (toPost.length > 0) waiting.unshift(...next);
          else rejectAll(next, err);
          continue;
        }
        for (const [i, b] of toPost.entries()) {
          b.resolve(done.outcomes[i]!);
          inFlight.delete(b.req.scopeKey);
        }
        if (toPost.length > 0) ctx.logger.debug({ payments: toPost.length }, 'payments posted');
        for (const [i, b] of next.entries()) {
          const c = done.claims[i]!;
          if (c.claimed) claimed.push(b);
          else {
            b.resolve(c.outcome);
            inFlight.delete(b.req.scopeKey);
          }
        }
        if (claimed.length > 0) await hooks.afterClaim?.(claimed.map((b) => b.req.scopeKey));
      }
    } catch (err) {
      rejectAll(claimed, err);
      rejectAll(waiting.splice(0), err);
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
