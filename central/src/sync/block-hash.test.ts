import {
  eventContentHash,
  IntervalBlockBuilder,
  intervalBlockBodySchema,
  packIntervalBlock,
} from '@gridbill/shared/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockHashV2, blockHashV3, ingestContentHash, sameContent } from './block-hash.js';

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

const wire = <B>(body: B, trusted = true) => ({
  eventId: 'e1',
  kind: 'interval-block' as const,
  occurredAtMs: T,
  clockTrusted: trusted,
  body,
});

/** The block as central parses it from the wire. */
function parsedOf(body: unknown) {
  return intervalBlockBodySchema.parse(JSON.parse(JSON.stringify(body)));
}

/** Every numeric column and text of a block, as [section, field] (for mutations). */
const FIELDS: [string, string][] = [
  ['intervals', 'meter'],
  ['intervals', 'startMs'],
  ['intervals', 'seconds'],
  ['intervals', 'energyWh'],
  ['intervals', 'quality'],
  ['intervals', 'account'],
  ['intervals', 'tariffVersion'],
  ['intervals', 'priceSource'],
  ['intervals', 'amountMinor'],
  ['reads', 'meter'],
  ['reads', 'register'],
  ['reads', 'capturedAtMs'],
  ['reads', 'valueWh'],
  ['reads', 'quality'],
  ['balances', 'account'],
  ['balances', 'amountMinor'],
  ['balances', 'balanceAfterMinor'],
];

/** A copy of `body` with one value of one column changed (or null: that column is empty). */
function withOneValueChanged<B>(body: B, f: number, r: number): B | null {
  const [section, field] = FIELDS[f % FIELDS.length]!;
  const copy = structuredClone(body) as unknown as Record<string, Record<string, unknown[]>>;
  const column = copy[section]![field]!;
  if (column.length === 0) return null;
  const row = r % column.length;
  const v = column[row];
  column[row] = typeof v === 'string' ? `${v}1` : (v as number) + 1;
  return copy as unknown as B;
}

describe('block content hash v2', () => {
  it('is the same for the wire and the parsed block, and not the v1 hash', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, trusted) => {
        const body = block(rows);
        const parsed = parsedOf(body);
        const v2 = blockHashV2(wire(parsed, trusted));
        expect(v2).toMatch(/^[0-9a-f]{64}$/);
        expect(blockHashV2(wire(body as never, trusted))).toBe(v2);
        expect(v2).not.toBe(eventContentHash(wire(body, trusted)));
      }),
      { numRuns: 60 },
    );
  });

  it('changes with any one value of any column, table or envelope field', () => {
    fc.assert(
      fc.property(rowsArb, fc.nat(), fc.nat(), (rows, f, r) => {
        const body = parsedOf(block(rows));
        const copy = withOneValueChanged(body, f, r);
        if (copy) expect(blockHashV2(wire(copy))).not.toBe(blockHashV2(wire(body)));
      }),
      { numRuns: 200 },
    );
    const body = parsedOf(block([{ meter: 1, slot: 2, wh: 412, minor: 8n, rated: true }]));
    const v2 = blockHashV2(wire(body));
    expect(blockHashV2({ ...wire(body), eventId: 'e2' })).not.toBe(v2);
    expect(blockHashV2({ ...wire(body), occurredAtMs: T + 1 })).not.toBe(v2);
    expect(blockHashV2(wire(body, false))).not.toBe(v2);
    expect(blockHashV2(wire({ ...body, meterIds: ['m9'] }))).not.toBe(v2);
    expect(blockHashV2(wire({ ...body, currency: 'UGX' }))).not.toBe(v2);
    // a value moved from one column to the next is other content (lengths are hashed)
    const moved = structuredClone(body);
    moved.reads.quality.push(0);
    moved.balances.account.pop();
    expect(blockHashV2(wire(moved))).not.toBe(v2);
  });
});

describe('block content hash v3', () => {
  it('is the same for the packed and the JSON form of a block', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, trusted) => {
        const body = block(rows);
        const v3 = blockHashV3(wire(parsedOf(body), trusted));
        expect(v3).toMatch(/^[0-9a-f]{64}$/);
        expect(blockHashV3(wire(parsedOf(packIntervalBlock(body)), trusted))).toBe(v3);
        expect(v3).not.toBe(blockHashV2(wire(parsedOf(body), trusted)));
      }),
      { numRuns: 60 },
    );
  });

  it('changes with any one value of any column, table or envelope field', () => {
    fc.assert(
      fc.property(rowsArb, fc.nat(), fc.nat(), (rows, f, r) => {
        const body = block(rows);
        // the changed columns packed anew (a value the check refuses has no v3 hash)
        const parsed = intervalBlockBodySchema.safeParse(withOneValueChanged(body, f, r));
        if (parsed.success) {
          expect(blockHashV3(wire(parsed.data))).not.toBe(blockHashV3(wire(parsedOf(body))));
        }
      }),
      { numRuns: 200 },
    );
    const body = parsedOf(block([{ meter: 1, slot: 2, wh: 412, minor: 8n, rated: true }]));
    const v3 = blockHashV3(wire(body));
    expect(blockHashV3({ ...wire(body), eventId: 'e2' })).not.toBe(v3);
    expect(blockHashV3({ ...wire(body), occurredAtMs: T + 1 })).not.toBe(v3);
    expect(blockHashV3(wire(body, false))).not.toBe(v3);
    expect(blockHashV3(wire({ ...body, meterIds: ['m9'] }))).not.toBe(v3);
    expect(blockHashV3(wire({ ...body, registers: ['exportWh'] }))).not.toBe(v3);
    expect(blockHashV3(wire({ ...body, currency: 'UGX' }))).not.toBe(v3);
  });
});

describe('ingest content hash and stored hashes', () => {
  const body = block([
    { meter: 1, slot: 2, wh: 412, minor: 8n, rated: true },
    { meter: 2, slot: 2, wh: 0, minor: 0n, rated: false },
  ]);
  const parsed = parsedOf(body);
  const ok = { ok: true as const, event: { ...wire(parsed), seq: 1 } };

  it('is v3 for a parsed block and v1 for anything else', () => {
    expect(ingestContentHash(wire(body), ok)).toBe(blockHashV3(wire(parsed)));
    const poison = { ok: false as const, reason: 'bad' };
    expect(ingestContentHash(wire(body), poison)).toBe(eventContentHash(wire(body)));
    const other = { eventId: 'e2', kind: 'alarm', occurredAtMs: T, clockTrusted: true, body: {} };
    expect(ingestContentHash(other)).toBe(eventContentHash(other));
  });

  it('matches a stored v1, v2 or v3 hash of the same content, not of other content', () => {
    expect(sameContent(wire(body), ok, blockHashV3(wire(parsed)))).toBe(true);
    expect(sameContent(wire(body), ok, blockHashV2(wire(parsed)))).toBe(true);
    expect(sameContent(wire(body), ok, eventContentHash(wire(body)))).toBe(true);
    // a gateway now sending packed what it sent as JSON columns before (stored v1 or v2)
    const packed = packIntervalBlock(body);
    const packedOk = { ok: true as const, event: { ...wire(parsedOf(packed)), seq: 1 } };
    expect(sameContent(wire(packed), packedOk, eventContentHash(wire(body)))).toBe(true);
    expect(sameContent(wire(packed), packedOk, blockHashV2(wire(parsed)))).toBe(true);
    const other = structuredClone(body);
    other.intervals.energyWh[0] = 413;
    expect(sameContent(wire(other), ok, eventContentHash(wire(body)))).toBe(false);
    const otherOk = { ok: true as const, event: { ...wire(parsedOf(other)), seq: 1 } };
    expect(sameContent(wire(other), otherOk, blockHashV2(wire(parsed)))).toBe(false);
    expect(sameContent(wire(other), otherOk, blockHashV3(wire(parsed)))).toBe(false);
    expect(sameContent(wire(other), otherOk, eventContentHash(wire(body)))).toBe(false);
  });

  it('treats -0 like 0, as v1 (canonical JSON) does', () => {
    const negative = structuredClone(parsed);
    negative.intervals.energyWh[1] = -0;
    expect(eventContentHash(wire(negative))).toBe(eventContentHash(wire(parsed)));
    expect(blockHashV2(wire(negative))).toBe(blockHashV2(wire(parsed)));
  });
});
