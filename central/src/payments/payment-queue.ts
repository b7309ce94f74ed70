import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
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

async function postWithRetry(ctx: AppContext, reqs: PaymentRequest[]): Promise<PaymentOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.committer.run((trx) => postPaymentBatch(ctx, trx, reqs));
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

interface Waiting {
  req: PaymentRequest;
  resolve: (o: PaymentOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * The one way payments are posted (API, screens, files). Requests that arrive while a batch
 * is committing wait and go together in the next batch (one durable commit). A second request
 * with an Idempotency-Key that is still in flight gets 409 at once.
 */
export function createPaymentQueue(getCtx: () => AppContext, maxBatch = 256): PaymentQueue {
  const waiting: Waiting[] = [];
  const inFlight = new Set<string>();
  let running = false;

  async function gather(): Promise<void> {
    let seen = -1;
    for (let turn = 0; turn < 8 && waiting.length !== seen && waiting.length < maxBatch; turn++) {
      seen = waiting.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async function runBatch(batch: Waiting[]): Promise<void> {
    const ctx = getCtx();
    const reqs = batch.map((b) => b.req);
    try {
      const outcomes = await postWithRetry(ctx, reqs);
      for (const [i, b] of batch.entries()) b.resolve(outcomes[i]!);
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
      if (inFlight.has(req.scopeKey)) {
        const problem = new Problem(
          409,
          'request-in-flight',
          'a request with this Idempotency-Key is still being processed; retry later',
          '/headers/idempotency-key',
        );
        return Promise.resolve({ ok: false, problem });
      }
      inFlight.add(req.scopeKey);
      return new Promise((resolve, reject) => {
        waiting.push({ req, resolve, reject });
        void drain();
      });
    },
  };
}
