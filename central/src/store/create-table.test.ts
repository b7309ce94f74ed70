import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTable } from './create-table.js';

function sqlite() {
  const conn = new Database(':memory:');
  return { conn, db: new Kysely<unknown>({ dialect: new SqliteDialect({ database: conn }) }) };
}

describe('createTable', () => {
  it('makes columns NOT NULL unless marked optional, adds primary key and uniques', async () => {
    const { conn, db } = sqlite();
    const spec = {
      id: 'text',
      'note?': 'text',
      n: 'bigint',
      gone: 'bigint?',
      raw: 'bytes',
    } as const;
    await createTable(db, 't', spec, { uniques: { t_n_uq: ['n'] }, binary: 'blob' });
    const cols = conn.prepare('PRAGMA table_info(t)').all() as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    expect(cols.map((c) => [c.name, c.type.toLowerCase(), c.notnull, c.pk])).toEqual([
      ['id', 'text', 1, 1],
      ['note', 'text', 0, 0],
      ['n', 'bigint', 1, 0],
      ['gone', 'bigint', 0, 0],
      ['raw', 'blob', 1, 0],
    ]);
    conn.prepare("INSERT INTO t VALUES ('a', NULL, 1, NULL, x'00')").run();
    expect(() => conn.prepare("INSERT INTO t VALUES ('b', NULL, 1, NULL, x'00')").run()).toThrow(
      /UNIQUE/,
    );
    await db.destroy();
  });

  it('refuses a bytes column without the backend binary type, naming the table', async () => {
    const { db } = sqlite();
    await expect(createTable(db, 'blobs', { id: 'text', b: 'bytes' })).rejects.toThrow(
      /table blobs: a bytes column needs/,
    );
    await db.destroy();
  });
});
