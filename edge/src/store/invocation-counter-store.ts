import type { Database } from 'better-sqlite3';

/**
 * Durable DLMS invocation-counter reservations per meter (the DLMS client reserves blocks
 * ahead and never reuses a counter, even after a crash). Each save is its own synchronous
 * WAL + FULL commit, so it is durable when the promise resolves.
 *
 * @example
 * const store = invocationCounterStore(db, 'm1');
 * await store.save(1_000); await store.load() // → 1000
 */
export function invocationCounterStore(db: Database, meterId: string) {
  const get = db
    .prepare('SELECT reserved_up_to FROM dlms_invocation_counters WHERE meter_id = ?')
    .pluck();
  const put = db.prepare(
    'INSERT INTO dlms_invocation_counters (meter_id, reserved_up_to) VALUES (?, ?) ' +
      'ON CONFLICT (meter_id) DO UPDATE SET reserved_up_to = excluded.reserved_up_to',
  );
  return {
    load: async (): Promise<number | undefined> =>
      (get.get(meterId) as number | undefined) ?? undefined,
    save: async (reservedUpTo: number): Promise<void> => {
      put.run(meterId, reservedUpTo);
    },
  };
}
