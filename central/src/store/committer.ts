import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** Work run inside a shared transaction; it must only use `trx`. */
export type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Runs writes with group commit: one durable commit per batch, one savepoint per write. */
export interface Committer {
  run<T>(work: Work<T>): Promise<T>;
  /** Writes committed so far and commits issued (batches). */
  stats(): { writes: number; commits: number };
}

/**
 * Group commit: writes that arrive while a commit is in flight are queued and then committed
 * together. Each write runs in its own savepoint, so one failing write (a domain error) rolls
 * back only itself; callers resolve only after the commit is durable.
 *
 * @example const c = createCommitter(db); await c.run((trx) => insertSomething(trx));
 */
export function createCommitter(db: Kysely<Database>, maxBatch = 200): Committer {
  const queue: Pending[] = [];
  let running = false;
  let writes = 0;
  let commits = 0;

  async function commitBatch(batch: Pending[]): Promise<void> {
    const trx = await db.startTransaction().execute();
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      // Take the write lock first: SQLite fails at once (no busy wait) when a transaction
      // that has read tries to become a writer while another process writes.
      await trx
        .updateTable('ledger_head')
        .set((eb) => ({ seq: eb.ref('seq') }))
        .where('id', '=', 1n)
        .execute();
      for (const [i, item] of batch.entries()) {
        outcomes.push(await runOne(trx, `w${i}`, item.work));
      }
      await trx.commit().execute();
    } catch (err) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const item of batch) item.reject(err);
      return;
    }
    commits += 1;
    writes += batch.length;
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.value);
    });
  }

  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        await gather();
        await commitBatch(queue.splice(0, maxBatch));
      }
    } finally {
      running = false;
    }
  }

  /**
   * Lets requests that are already in progress reach the queue before a batch starts: a
   * synchronous driver (better-sqlite3) never yields during a commit, so without this every
   * batch would hold one write. Yields to the event loop while the queue keeps growing.
   */
  async function gather(): Promise<void> {
    let seen = -1;
    for (let turn = 0; turn < 8 && queue.length !== seen && queue.length < maxBatch; turn++) {
      seen = queue.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  return {
    run<T>(work: Work<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
        void drain();
      });
    },
    stats: () => ({ writes, commits }),
  };
}

type Controlled = Awaited<ReturnType<ReturnType<Kysely<Database>['startTransaction']>['execute']>>;

async function runOne(
  trx: Controlled,
  name: string,
  work: Work<unknown>,
): Promise<{ ok: boolean; value: unknown }> {
  const sp = await trx.savepoint(name).execute();
  try {
    const value = await work(sp);
    await sp.releaseSavepoint(name).execute();
    return { ok: true, value };
  } catch (err) {
    await sp.rollbackToSavepoint(name).execute();
    return { ok: false, value: err };
  }
}
