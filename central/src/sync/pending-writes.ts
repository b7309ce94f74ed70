/**
 * Writes of one ingest transaction started but not awaited, so the client's next work (packing
 * charges, building the ledger entry) runs while the database executes them; `settle` awaits
 * them all before the caller commits. A write that fails makes `settle` throw its error (and
 * on PostgreSQL aborts the transaction, so later statements fail too); a failure is never left
 * unhandled in between.
 * Example: pending.add(upsertRows(…)); …pack charges…; await pending.settle() → rejects with
 *   the upsert's error if it failed.
 */
/**
 * Leaves `write` running in `pending` when there is one, else awaits it.
 * Example: await writeOrDefer(upsertRows(…), pending) → returns at once with `pending`.
 */
export async function writeOrDefer(write: Promise<unknown>, pending?: PendingWrites) {
  if (pending) pending.add(write);
  else await write;
}

export class PendingWrites {
  private readonly writes: Promise<unknown>[] = [];

  add(write: Promise<unknown>): void {
    // handled now (no unhandled rejection while other work runs); reported by settle()
    write.catch(() => undefined);
    this.writes.push(write);
  }

  async settle(): Promise<void> {
    const writes = this.writes.splice(0);
    await Promise.all(writes);
  }
}
