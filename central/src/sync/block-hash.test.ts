import {
  eventContentHash,
  IntervalBlockBuilder,
  intervalBlockBodySchema,
} from '@gridbill/shared/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockFactsJson, ingestContentHash } from './block-hash.js';

const T = Date.UTC(2026, 10, 27);

function block(rows: { meter: number; slot: number; wh: number; minor: bigint; rated: boolean }[]) {
  const b = new IntervalBlockBuilder('KES');
  for (const r of rows) {
    const meterId = `m${r.meter}`;
    const startMs = T + r.slot * 900_000;
    b.addInterval({
      meterId,
      startMs,
      seconds: 900,
      energyWh: r.wh,
      quality: 0,
      ...(r.rated
        ? {
            charge: {
              accountId: `a${r.meter}`,
              tariffVersionId: 'tv-1',
              amountMinor: r.minor,
              priceSource: 'tariff' as const,
            },
          }
        : {}),
    });
    b.addRead({ meterId, register: 'importWh', capturedAtMs: startMs, valueWh: r.wh, quality: 0 });
    if (r.rated) b.noteBalance(`a${r.meter}`, -r.minor, 1000n - r.minor);
  }
  return b.take();
}

const rowsArb = fc.uniqueArray(
  fc.record({
    meter: fc.integer({ min: 0, max: 9 }),
    slot: fc.integer({ min: 0, max: 95 }),
    wh: fc.integer({ min: -5, max: 10_000 }),
    minor: fc.bigInt({ min: -99n, max: 10n ** 17n }),
    rated: fc.boolean(),
  }),
  { selector: (r) => `${r.meter}@${r.slot}`, minLength: 1, maxLength: 120 },
);

describe('ingest content hash', () => {
  it('equals eventContentHash for blocks (wire and parsed) and other events', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, trusted) => {
        const body = block(rows);
        const wire = {
          eventId: 'e1',
          kind: 'interval-block',
          occurredAtMs: T,
          clockTrusted: trusted,
        };
        expect(ingestContentHash({ ...wire, body })).toBe(eventContentHash({ ...wire, body }));
        const parsed = intervalBlockBodySchema.parse(JSON.parse(JSON.stringify(body)));
        expect(ingestContentHash({ ...wire, body: parsed })).toBe(
          eventContentHash({ ...wire, body }),
        );
      }),
      { numRuns: 60 },
    );
    const other = { eventId: 'e2', kind: 'alarm', occurredAtMs: T, clockTrusted: true, body: {} };
    expect(ingestContentHash(other)).toBe(eventContentHash(other));
  });

  it('keeps reads and balances for the edge_facts body, same JSON as the block', () => {
    const body = block([{ meter: 1, slot: 2, wh: 412, minor: 8n, rated: true }]);
    const hashed = intervalBlockBodySchema.parse(JSON.parse(JSON.stringify(body)));
    ingestContentHash({
      eventId: 'e',
      kind: 'interval-block',
      occurredAtMs: T,
      clockTrusted: true,
      body: hashed,
    });
    const expected = {
      intervals: 1,
      meterIds: ['m1'],
      registers: ['importWh'],
      reads: body.reads,
      accountIds: ['a1'],
      balances: body.balances,
    };
    expect(JSON.parse(blockFactsJson(hashed))).toEqual(expected);
    expect(JSON.parse(blockFactsJson(body))).toEqual(expected);
    expect(blockFactsJson(body)).toBe(
      `{"intervals":1,"meterIds":["m1"],"registers":["importWh"],"reads":{"capturedAtMs":[${
        T + 1_800_000
      }],"meter":[0],"quality":[0],"register":[0],"valueWh":[412]},"accountIds":["a1"],` +
        '"balances":{"account":[0],"amountMinor":["-8"],"balanceAfterMinor":["992"]}}',
    );
  });
});
