import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './content-hash.js';
import { eventReferences } from './event-ownership.js';
import { intervalBlockBodySchema, type IntervalBlockColumnsWire } from './interval-block.js';
import { IntervalBlockBuilder, intervalBlockId } from './interval-block-builder.js';
import { isMoneyText, isObjectId, MONEY_TEXT } from './interval-block-check.js';
import { describeIssues } from './parse-batch.js';
import { upstreamEventSchema } from './upstream-events.js';

const T = 1_767_224_700_000;

function sample(): IntervalBlockColumnsWire {
  const b = new IntervalBlockBuilder('KES');
  const charge = { accountId: 'a1', tariffVersionId: 'tv-1', priceSource: 'tariff' } as const;
  b.addInterval({
    meterId: 'm1',
    startMs: T,
    seconds: 900,
    energyWh: 412,
    quality: 0,
    charge: { ...charge, amountMinor: 8n },
  });
  b.addInterval({ meterId: 'm2', startMs: T, seconds: 900, energyWh: 5, quality: 2 });
  b.addInterval({
    meterId: 'm1',
    startMs: T + 900_000,
    seconds: 900,
    energyWh: 100,
    quality: 0,
    charge: { ...charge, amountMinor: 2n },
  });
  b.addRead({
    meterId: 'm1',
    register: 'importWh',
    capturedAtMs: T + 1_800_000,
    valueWh: 9_000,
    quality: 64,
  });
  b.noteBalance('a1', -8n, 992n);
  b.noteBalance('a1', -2n, 990n);
  return b.take();
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function issuesOf(body: unknown): string[] {
  const r = intervalBlockBodySchema.safeParse(body);
  return r.success ? [] : describeIssues(r.error);
}

type Mutable = { intervals: Record<string, unknown[]>; reads: Record<string, unknown[]> };

function mutate(edit: (b: Mutable & Record<string, unknown>) => void): string[] {
  const body = clone(sample()) as unknown as Mutable & Record<string, unknown>;
  edit(body);
  return issuesOf(body);
}

describe('interval-block', () => {
  it('builds tables and columns, nets balances per account, and parses', () => {
    const body = sample();
    expect(body.meterIds).toEqual(['m1', 'm2']);
    expect(body.intervals.account).toEqual([0, -1, 0]);
    expect(body.intervals.amountMinor).toEqual(['8', '0', '2']);
    expect(body.balances).toEqual({
      account: [0],
      amountMinor: ['-10'],
      balanceAfterMinor: ['990'],
    });
    const parsed = intervalBlockBodySchema.parse(body);
    // money columns stay decimal text after the parse (checked, not converted)
    expect(parsed.balances.balanceAfterMinor).toEqual(['990']);
    expect(issuesOf(body)).toEqual([]);
  });

  it('names the row and field of each malformed value', () => {
    const cases: [(b: Mutable & Record<string, unknown>) => void, string][] = [
      [
        (b) => {
          b.intervals.energyWh![1] = 1.5;
        },
        'intervals.energyWh.1: row 1: energyWh must be a safe integer, got 1.5',
      ],
      [
        (b) => {
          b.intervals.meter![2] = 7;
        },
        'intervals.meter.2: row 2: meter index must be in 0..1, got 7',
      ],
      [
        (b) => {
          b.intervals.seconds![0] = 901;
        },
        'intervals.seconds.0: row 0: seconds must be one of 60, 300, 600, 900, 1800, 3600, got 901',
      ],
      [
        (b) => {
          b.intervals.quality![0] = 256;
        },
        "intervals.quality.0: row 0: quality must be flag bits in 0..255 without 'missing', " +
          'got 256',
      ],
      [
        (b) => {
          b.intervals.quality![1] = 1;
        },
        "intervals.quality.1: row 1: quality must be flag bits in 0..255 without 'missing', got 1",
      ],
      [
        (b) => {
          b.intervals.energyWh![0] = 2 ** 31;
        },
        'intervals.energyWh.0: row 0: energyWh must be in -2147483648..2147483647, got 2147483648',
      ],
      [
        (b) => {
          (b.balances as unknown as { balanceAfterMinor: string[] }).balanceAfterMinor[0] = '1e3';
        },
        'balances.balanceAfterMinor.0: row 0: balanceAfterMinor must be integer minor units as a ' +
          'decimal string, got "1e3"',
      ],
      [
        (b) => {
          b.intervals.amountMinor![2] = '2.5';
        },
        'intervals.amountMinor.2: row 2: amountMinor must be integer minor units as a decimal ' +
          'string, got "2.5"',
      ],
      [
        (b) => {
          b.intervals.amountMinor![0] = 8;
        },
        'intervals.amountMinor.0: row 0: amountMinor must be integer minor units as a decimal ' +
          'string, got 8',
      ],
      [
        (b) => {
          b.intervals.startMs![1] = T + 1;
        },
        `intervals.startMs.1: row 1: startMs ${T + 1} is not aligned to 900 s intervals`,
      ],
      [
        (b) => {
          b.intervals.tariffVersion![0] = -1;
        },
        'intervals.account.0: row 0: account, tariffVersion and priceSource must all be set or ' +
          'all be -1',
      ],
      [
        (b) => {
          b.intervals.amountMinor![1] = '3';
        },
        'intervals.amountMinor.1: row 1: an unrated row must have amountMinor "0", got "3"',
      ],
      [
        (b) => {
          b.intervals.startMs![2] = T;
        },
        `intervals.startMs.2: row 2: meter index 0 has start ${T} twice`,
      ],
      [
        (b) => {
          b.intervals.energyWh!.pop();
        },
        'intervals.energyWh: intervals.energyWh has 2 rows, intervals.meter has 3',
      ],
      [
        (b) => {
          b.reads.register![0] = 1;
        },
        'reads.register.0: row 0: register index must be in 0..0, got 1',
      ],
      [
        (b) => {
          b.reads.valueWh![0] = '9000';
        },
        'reads.valueWh.0: row 0: valueWh must be a safe integer, got 9000',
      ],
      [
        (b) => {
          b.intervals.priceSource![0] = 2;
        },
        'intervals.priceSource.0: row 0: priceSource must be in -1..1, got 2',
      ],
      [
        (b) => {
          (b.balances as { account: number[] }).account[0] = 3;
        },
        'balances.account.0: row 0: account index must be in 0..0, got 3',
      ],
    ];
    for (const [edit, message] of cases) expect(mutate(edit)).toEqual([message]);
  });

  it('refuses unknown fields, a non-array column and an empty block', () => {
    expect(
      mutate((b) => {
        b.extra = 1;
      }).join(),
    ).toMatch(/Unrecognized key/);
    expect(
      mutate((b) => {
        b.intervals.energyWh = 'x' as unknown as unknown[];
      }),
    ).toEqual(['intervals.energyWh: expected an array of numbers']);
    const empty = new IntervalBlockBuilder('KES').take();
    expect(issuesOf(empty)).toEqual(['intervals: a block needs at least one interval or read']);
  });

  it('has a deterministic id from its keys and references its meter and account tables', () => {
    expect(intervalBlockId('gw-1', sample())).toBe(intervalBlockId('gw-1', sample()));
    expect(intervalBlockId('gw-2', sample())).not.toBe(intervalBlockId('gw-1', sample()));
    const event = upstreamEventSchema.parse({
      seq: 1,
      eventId: intervalBlockId('gw-1', sample()),
      occurredAtMs: T,
      clockTrusted: true,
      kind: 'interval-block',
      body: sample(),
    });
    expect(eventReferences(event)).toEqual({ meterIds: ['m1', 'm2'], accountIds: ['a1'] });
  });

  it('hashes number and string columns in the canonical form', () => {
    expect(canonicalJson({ b: [1, 2], a: ['x', 'y'], c: [1, 'x', { z: 1, y: 2 }] })).toBe(
      '{"a":["x","y"],"b":[1,2],"c":[1,"x",{"y":2,"z":1}]}',
    );
    expect(() => canonicalJson([1, Number.NaN])).toThrow(/non-finite/);
  });

  it('checks money text and ids by char codes exactly as their regexes', () => {
    const ID = /^[\x21-\x7e]{1,128}$/;
    const texts = fc.oneof(
      fc.string({ maxLength: 22 }),
      fc.stringMatching(/^-?[0-9]{0,20}$/),
      fc.stringMatching(/^[\x20-\x7f]{0,130}$/),
    );
    fc.assert(
      fc.property(texts, (t) => {
        expect(isMoneyText(t)).toBe(MONEY_TEXT.test(t));
        expect(isObjectId(t)).toBe(ID.test(t));
      }),
      { numRuns: 2000 },
    );
    for (const t of ['0', '-0', '-', '', '00', '1'.repeat(18), '1'.repeat(19), '-9', '+1']) {
      expect(isMoneyText(t), t).toBe(MONEY_TEXT.test(t));
    }
    expect([isMoneyText(1), isObjectId(1), isObjectId('x'.repeat(129))]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('names a bad id of a table; accepts rows out of time order', () => {
    expect(
      mutate((b) => {
        (b.meterIds as string[])[1] = 'm 2';
      }),
    ).toEqual(['meterIds.1: id: 1-128 printable chars, got "m 2"']);
    expect(
      mutate((b) => {
        (b.accountIds as unknown[])[0] = 7;
      }),
    ).toEqual(['accountIds.0: id: 1-128 printable chars, got 7']);
    expect(
      mutate((b) => {
        b.tariffVersionIds = 'tv-1';
      }),
    ).toEqual(['tariffVersionIds: expected an array of at most 5000 ids']);
    // m1's rows in reverse time order: not the fast path, still a good block
    const reversed = mutate((b) => {
      const c = b.intervals as Record<string, unknown[]>;
      for (const field of Object.keys(c)) {
        const col = c[field]!;
        [col[0], col[2]] = [col[2], col[0]];
      }
    });
    expect(reversed).toEqual([]);
  });
});
