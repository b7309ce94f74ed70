import { CompiledQuery, type Kysely } from 'kysely';

/** Values a driver binds as is (bigint and bytes included, on both backends). */
export type BulkValue = string | number | bigint | Uint8Array | null;

/**
 * Multi-row INSERT for the sync hot paths, written as one SQL text with placeholders instead of
 * a Kysely builder tree: building the tree costs ~8 µs per bound value, more than SQLite's
 * own work for the row. Identifiers are fixed strings from the callers (never input).
 * Placeholders follow the backend (`?` for SQLite, `$n` for PostgreSQL).
 *
 * @example
 * await bulkInsert(trx, 'edge_charges', ['charge_id', 'amount_minor'], [['c1', 8n]],
 *   'ON CONFLICT (charge_id) DO NOTHING RETURNING charge_id')
 * // → [{ charge_id: 'c1' }] (the rows stored now)
 */
export async function bulkInsert<T = Record<string, unknown>>(
  trx: Kysely<unknown>,
  table: string,
  columns: readonly string[],
  rows: readonly BulkValue[][],
  suffix = '',
): Promise<T[]> {
  if (rows.length === 0) return [];
  const dollar = usesDollarPlaceholders(trx);
  const params: BulkValue[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    if (row.length !== columns.length)
      throw new Error(`bulkInsert ${table}: ${row.length} values for ${columns.length} columns`);
    const marks: string[] = [];
    for (const v of row) {
      params.push(v);
      marks.push(dollar ? `$${params.length}` : '?');
    }
    tuples.push(`(${marks.join(', ')})`);
  }
  const names = columns.map((c) => `"${c}"`).join(', ');
  const text = `insert into "${table}" (${names}) values ${tuples.join(', ')} ${suffix}`;
  const result = await trx.executeQuery<T>(CompiledQuery.raw(text, params));
  return result.rows;
}

const dialects = new WeakMap<object, boolean>();

/** True on PostgreSQL: compiles a one-parameter query once per executor and looks. */
export function usesDollarPlaceholders(trx: Kysely<unknown>): boolean {
  const key = trx.getExecutor().adapter;
  let dollar = dialects.get(key);
  if (dollar === undefined) {
    const probe = (trx as Kysely<Record<string, { a: number }>>)
      .selectFrom('probe')
      .select('a')
      .where('a', '=', 1)
      .compile().sql;
    dollar = probe.includes('$1');
    dialects.set(key, dollar);
  }
  return dollar;
}

/**
 * PostgreSQL: byte strings as ONE binary parameter plus their offsets and lengths (node-pg
 * sends a Buffer parameter in binary but a `bytea[]` as hex text, which both sides pay for);
 * the SQL cuts them out again with `substring($n from offset + 1 for length)`.
 * Example: concatBytes([[1, 2], [3]]) → { bytes: <01 02 03>, offsets: [0, 2], lengths: [2, 1] }.
 */
export function concatBytes(items: readonly Uint8Array[]): {
  bytes: Buffer;
  offsets: number[];
  lengths: number[];
} {
  const offsets: number[] = new Array(items.length);
  const lengths: number[] = new Array(items.length);
  let at = 0;
  for (let i = 0; i < items.length; i += 1) {
    offsets[i] = at;
    lengths[i] = items[i]!.length;
    at += items[i]!.length;
  }
  return { bytes: Buffer.concat(items as Uint8Array[], at), offsets, lengths };
}

/**
 * Multi-row upsert of packed rows: key columns, then ONE packed-bytes column last. SQLite:
 * `bulkInsert`, one SQL text per `chunk` rows; PostgreSQL: one
 * `insert … select … from unnest($1::type[], …)` for all rows, the packed values as one binary
 * parameter cut by offsets (`concatBytes`; node-pg would send a `bytea[]` as hex text).
 * Example: upsertPacked(db, 'interval_days', ['meter_id', …, 'packed'], ['text', …], rows,
 *   'ON CONFLICT (…) DO UPDATE SET packed = excluded.packed', 400)
 *   → PostgreSQL: `… select k0, k1, k2, k3, substring($5::bytea from o + 1 for l) from
 *   unnest($1::text[], …, $6::int4[], $7::int4[]) as x(k0, k1, k2, k3, o, l) ON CONFLICT …`
 */
export async function upsertPacked(
  db: Kysely<unknown>,
  table: string,
  columns: readonly string[],
  keyTypes: readonly string[],
  rows: readonly BulkValue[][],
  upsert: string,
  chunk: number,
): Promise<void> {
  if (rows.length === 0) return;
  if (!usesDollarPlaceholders(db)) {
    for (let i = 0; i < rows.length; i += chunk)
      await bulkInsert(db, table, columns, rows.slice(i, i + chunk), upsert);
    return;
  }
  const k = keyTypes.length;
  const keys = keyTypes.map((_, c) => `k${c}`);
  const arrays = keyTypes.map((type, c) => `$${c + 1}::${type}[]`);
  const text =
    `insert into ${table} (${columns.join(', ')}) ` +
    `select ${keys.join(', ')}, substring($${k + 1}::bytea from o + 1 for l) from ` +
    `unnest(${arrays.join(', ')}, $${k + 2}::int4[], $${k + 3}::int4[]) ` +
    `as x(${keys.join(', ')}, o, l) ${upsert}`;
  const keyColumns = keyTypes.map((_, c) => rows.map((row) => row[c]));
  const { bytes, offsets, lengths } = concatBytes(rows.map((row) => row[k] as Uint8Array));
  await db.executeQuery(CompiledQuery.raw(text, [...keyColumns, bytes, offsets, lengths]));
}

/**
 * A `column in (…)` condition whose values are appended to `params`: SQLite one `?` per value;
 * PostgreSQL `column = any($n::type[])`, the list as ONE array parameter (one short text and
 * plan whatever the length, instead of hundreds of placeholders).
 * Example: inList(true, 'meter_id', ['m1', 'm2'], 'text', params = ['gw'])
 *   → 'meter_id = any($2::text[])', params ['gw', ['m1', 'm2']].
 */
export function inList(
  dollar: boolean,
  column: string,
  values: readonly BulkValue[],
  pgType: 'text' | 'int8',
  params: unknown[],
): string {
  if (dollar) {
    params.push(values);
    return `${column} = any($${params.length}::${pgType}[])`;
  }
  for (const v of values) params.push(v);
  return `${column} in (${values.map(() => '?').join(', ')})`;
}
