import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

/** Column types of the migrations; `bytes` is `blob` on SQLite and `bytea` on PostgreSQL. */
export type ColumnType = 'text' | 'bigint' | 'bytes' | 'bigint?';

export interface TableOptions {
  /** Defaults to `['id']`. */
  primaryKey?: string[];
  /** Named unique constraints: `{ meters_serial_uq: ['serial'] }`. */
  uniques?: Record<string, string[]>;
  /** The backend's binary type name, needed when a column is `bytes`. */
  binary?: string;
}

type Table = CreateTableBuilder<string, never>;

/**
 * Creates a table from `name: type` pairs: columns are NOT NULL unless the name ends in `?`
 * (or the type is `bigint?`), then the primary key `<table>_pk` and the unique constraints.
 * Example: createTable(db, 'routes', { id: 'text', 'billing_cycle_id?': 'text' })
 *   → create table "routes" ("id" text not null, "billing_cycle_id" text,
 *     constraint "routes_pk" primary key ("id"))
 */
export async function createTable(
  db: Kysely<unknown>,
  name: string,
  spec: Record<string, ColumnType>,
  options: TableOptions = {},
): Promise<void> {
  let t = db.schema.createTable(name) as unknown as Table;
  for (const [raw, type] of Object.entries(spec)) {
    const nullable = raw.endsWith('?') || type.endsWith('?');
    const column = raw.endsWith('?') ? raw.slice(0, -1) : raw;
    t = t.addColumn(column, sqlType(type, options.binary, name), (c) =>
      nullable ? c : c.notNull(),
    );
  }
  t = t.addPrimaryKeyConstraint(`${name}_pk`, (options.primaryKey ?? ['id']) as never);
  for (const [uq, columns] of Object.entries(options.uniques ?? {}))
    t = t.addUniqueConstraint(uq, columns as never);
  await t.execute();
}

function sqlType(type: ColumnType, binary: string | undefined, table: string) {
  if (type !== 'bytes') return type === 'text' ? 'text' : 'bigint';
  if (!binary) throw new Error(`table ${table}: a bytes column needs the backend's binary type`);
  return sql.raw(binary) as unknown as 'text';
}
