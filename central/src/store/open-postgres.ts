import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 and numeric (sums of bigints) arrive as bigint, never as float or string. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (text: string) => BigInt(text);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresOptions {
  url: string;
  /** Schema to use (created if missing); default `public`. */
  schema?: string;
  maxConnections?: number;
}

/** Kysely over a `pg` pool; `synchronous_commit=on` is set on every connection. */
export function openPostgres(opts: PostgresOptions): { db: Kysely<Database>; pool: pg.Pool } {
  const schema = opts.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    types,
    options: `-c search_path=${schema} -c synchronous_commit=on`,
  });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}
