import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreIntegrityError } from './open-store.js';
import { Outbox } from './outbox.js';
import { applyRetention } from './retention.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-store-'));
  dirs.push(dir);
  return join(dir, 'gateway.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let n = 0;
const opts = { newIncarnationId: () => `inc-${++n}`, wallMs: 1_000 };
const t = { wallMs: 5_000, trusted: true };

describe('openDatabase', () => {
  it('keeps synchronous=FULL and WAL after reopen, and keeps the incarnation id', () => {
    const path = tempDb();
    const first = openDatabase(path, opts);
    expect(first.db.pragma('synchronous', { simple: true })).toBe(2);
    first.db.close();
    // a plain reopen of a WAL file falls back to NORMAL (1): the store must set FULL again
    const plain = new BetterSqlite3(path);
    expect(plain.pragma('synchronous', { simple: true })).toBe(1);
    plain.close();
    const again = openDatabase(path, opts);
    expect(again.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(again.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.incarnationId).toBe(first.incarnationId);
    expect(again.createdWallMs).toBe(1_000);
    again.db.close();
  });

  it('refuses a corrupt database file with a clear error', () => {
    const path = tempDb();
    writeFileSync(path, Buffer.alloc(4096, 7));
    expect(() => openDatabase(path, opts)).toThrow(/file is not a database|integrity/);
  });

  it('reports integrity_check failures as StoreIntegrityError', () => {
    expect(new StoreIntegrityError('x.db', 'row 3 missing')).toHaveProperty(
      'message',
      'store x.db failed integrity_check: row 3 missing',
    );
  });
});

describe('Outbox', () => {
  it('appends a gapless sequence even across rolled-back transactions', () => {
    const { db } = openDatabase(tempDb(), opts);
    const outbox = new Outbox(db);
    const ev = { kind: 'alarm' as const, eventId: 'e1', body: { amount: '5' } };
    db.transaction(() => outbox.append(ev, t))();
    expect(() =>
      db.transaction(() => {
        outbox.append(ev, t);
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    db.transaction(() => outbox.append(ev, t))();
    const rows = outbox.read(0, 10);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(rows[0]?.body).toBe('{"amount":"5"}');
    expect(() => outbox.append(ev, t)).toThrow(/inside a transaction/);
    db.close();
  });

  it('retention never deletes unacknowledged outbox rows', () => {
    const { db } = openDatabase(tempDb(), opts);
    const outbox = new Outbox(db);
    for (let i = 0; i < 4; i++)
      db.transaction(() => outbox.append({ kind: 'alarm', eventId: `e${i}`, body: i }, t))();
    outbox.ack(2);
    outbox.ack(1); // never moves backwards
    expect(outbox.ackedSeq()).toBe(2);
    expect(applyRetention(db, 10_000).outbox).toBe(2);
    expect(outbox.read(0, 10).map((r) => r.seq)).toEqual([3, 4]);
    expect(() => outbox.ack(9)).toThrow(/beyond/);
    db.close();
  });
});
