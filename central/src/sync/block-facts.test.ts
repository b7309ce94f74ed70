import {
  IntervalBlockBuilder,
  intervalBlockBodySchema,
  packIntervalBlock,
} from '@gridbill/shared/sync';
import { describe, expect, it } from 'vitest';
import { blockFactsJson, blockTables, readBlockFacts } from './block-facts.js';

const T = Date.UTC(2026, 10, 27);

function block(meters: string[]) {
  const b = new IntervalBlockBuilder('KES');
  for (const [k, meterId] of meters.entries()) {
    const startMs = T + 2 * 900_000;
    const charge = { accountId: `a-${meterId}`, tariffVersionId: 'tv-1', amountMinor: 8n };
    b.addInterval({
      meterId,
      startMs,
      seconds: 900,
      energyWh: 412 + k,
      quality: 0,
      charge: { ...charge, priceSource: 'tariff' },
    });
    b.addRead({ meterId, register: 'importWh', capturedAtMs: startMs, valueWh: 412, quality: 0 });
    b.noteBalance(`a-${meterId}`, -8n, 992n);
  }
  return b.take();
}

const parsedOf = (body: unknown) => intervalBlockBodySchema.parse(JSON.parse(JSON.stringify(body)));

describe('block facts', () => {
  it('keeps the packed reads and balances with the id of the tables, and reads them back', () => {
    const one = block(['m1']);
    const parsed = parsedOf(one);
    const tables = blockTables(parsed);
    expect(tables.json).toBe('[["m1"],["a-m1"],["tv-1"],["importWh"]]');
    expect(tables.id).toMatch(/^[0-9a-f]{64}$/);
    const facts = blockFactsJson(parsed);
    // the same block sent packed: the same facts
    expect(blockFactsJson(parsedOf(packIntervalBlock(one)))).toBe(facts);
    expect(facts).toBe(
      `{"intervals":1,"reads":1,"balances":1,"tables":"${tables.id}",` +
        '"packed":"AACA3cWmw2i4BgAAEcAP"}',
    );
    expect(readBlockFacts(facts, tables.json)).toEqual({
      intervals: 1,
      meterIds: ['m1'],
      accountIds: ['a-m1'],
      tariffVersionIds: ['tv-1'],
      registers: ['importWh'],
      reads: one.reads,
      balances: one.balances,
    });
  });

  it('names blocks with the same tables alike and other tables otherwise', () => {
    const a = blockTables(parsedOf(block(['m1', 'm2'])));
    const b = blockTables(parsedOf(block(['m1', 'm2'])));
    const c = blockTables(parsedOf(block(['m2', 'm1'])));
    expect(b).toEqual(a);
    expect(c.id).not.toBe(a.id);
    expect(blockTables(parsedOf(block(['m1', 'm2']))).id).toBe(a.id);
  });
});
