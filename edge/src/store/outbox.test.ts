import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-store.js';
import { Outbox } from './outbox.js';

describe('Outbox.readCapped (the sender reads a batch)', () => {
  let dir: string;
  let outbox: Outbox;
  let close: () => void;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-outbox-'));
    const { db } = openDatabase(join(dir, 'gateway.db'), {
      newIncarnationId: () => 'inc-1',
      wallMs: 1_000,
    });
    outbox = new Outbox(db);
    // bodies of 10, 20, …, 90 characters: {"pad":"xx…"} padded to length
    db.transaction(() => {
      for (let i = 1; i <= 9; i += 1) {
        const body = { pad: 'x'.repeat(i * 10 - 10) };
        const event = { kind: 'alarm' as const, eventId: `e${i}`, body };
        outbox.append(event, { wallMs: 2_000 + i, trusted: i % 2 === 1 });
      }
    })();
    close = () => db.close();
  });
  afterEach(() => {
    close();
    rmSync(dir, { recursive: true, force: true });
  });

  const seqs = (rows: { seq: number }[]) => rows.map((r) => r.seq);

  it('stops before the row that would pass the body cap', () => {
    // 10 + 20 + 30 = 60 ≤ 60; the fourth (40) would make 100
    expect(seqs(outbox.readCapped(0, 100, 60))).toEqual([1, 2, 3]);
    expect(seqs(outbox.readCapped(0, 100, 59))).toEqual([1, 2]);
  });

  it('always returns the first row, even past the cap', () => {
    expect(seqs(outbox.readCapped(8, 100, 5))).toEqual([9]);
  });

  it('starts after the given seq and honours the row limit', () => {
    expect(seqs(outbox.readCapped(4, 2, 10_000))).toEqual([5, 6]);
    expect(outbox.readCapped(9, 10, 10_000)).toEqual([]);
  });

  it('returns the stored JSON text and row fields unchanged', () => {
    const [row] = outbox.readCapped(1, 1, 10_000);
    expect(row).toEqual({
      seq: 2,
      kind: 'alarm',
      eventId: 'e2',
      body: `{"pad":"${'x'.repeat(10)}"}`,
      occurredAtMs: 2_002,
      clockTrusted: false,
    });
    expect(outbox.read(0, 3)).toEqual(outbox.readCapped(0, 3, Number.POSITIVE_INFINITY));
  });
});
