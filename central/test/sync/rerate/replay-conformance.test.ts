import { readFileSync } from 'node:fs';
import {
  type CompiledVersion,
  compileTariff,
  parseTariffVersion,
  type TariffVersion,
} from '@gridbill/shared/tariff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayMeter, replayWithCheckpoints } from '../../../src/sync/rerate/replay-meter.js';

/** The gateway's own rater, loaded by URL (edge code is outside central's project). */
const edgeRaterUrl = new URL('../../../../edge/src/engine/tariff-rater.ts', import.meta.url);

interface EdgeRater {
  initialState(ctx: unknown, startMs: number): unknown;
  rate(
    ctx: unknown,
    state: unknown,
    input: { startMs: number; endMs: number; energyWh: number; qualityBits: number },
  ): { versionId: string; amountMinor: bigint };
}

async function edgeRater(versions: CompiledVersion[]): Promise<EdgeRater> {
  const mod = (await import(edgeRaterUrl.href)) as {
    createTariffRater(m: Map<string, CompiledVersion[]>): EdgeRater;
  };
  return mod.createTariffRater(new Map([['t', versions]]));
}

const ladder = JSON.parse(
  readFileSync(
    new URL('../../../../shared/tariffs/cn-beijing-monthly-ladder.json', import.meta.url),
    'utf8',
  ),
) as TariffVersion;
const ladderLater = parseTariffVersion({
  ...ladder,
  versionId: 'cn-bj-2026-02',
  effectiveFrom: '2026-02-10',
  rounding: 'half-even',
  components: [
    { ...ladder.components[0]!, rates: { '*': '0.5317' } } as TariffVersion['components'][number],
  ],
});

async function compare(versions: CompiledVersion[], starts: number[], whs: number[]) {
  const rater = await edgeRater(versions);
  const ctx = { meterId: 'm1', tariffId: 't', intervalSeconds: 900 };
  const state = rater.initialState(ctx, starts[0]!);
  const edge = starts.map((startMs, i) => {
    const input = { startMs, endMs: startMs + 900_000, energyWh: whs[i]!, qualityBits: 0 };
    const r = rater.rate(ctx, state, input);
    return { startMs, versionId: r.versionId, amountMinor: r.amountMinor };
  });
  const intervals = starts.map((startMs, i) => ({ startMs, energyWh: whs[i]! }));
  expect(replayMeter(versions, 'm1', 900, intervals)).toEqual(edge);
}

describe('replayMeter (central) = the gateway tariff rater, to the minor unit', () => {
  const versions = compileTariff([parseTariffVersion(ladder), ladderLater]);
  const jan = Date.UTC(2026, 0, 20);

  it('over random gaps and energies across month ends, tiers and a version change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 9000 })), {
          minLength: 1,
          maxLength: 300,
        }),
        async (steps) => {
          const starts: number[] = [];
          let t = jan;
          for (const [gap] of steps) {
            t += gap * 900_000;
            starts.push(t);
          }
          await compare(
            versions,
            starts,
            steps.map(([, wh]) => wh),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('resuming from any month checkpoint gives the same charges as a full replay', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 9000 })), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.nat(),
        (steps, pick) => {
          let t = jan;
          const intervals = steps.map(([gap, energyWh]) => {
            t += gap * 900_000;
            return { startMs: t, energyWh };
          });
          const full = replayWithCheckpoints(versions, 'm1', 900, intervals);
          if (full.checkpoints.length === 0) return;
          const cp = full.checkpoints[pick % full.checkpoints.length]!;
          const rest = intervals.filter((iv) => iv.startMs >= cp.monthStartMs);
          const resumed = replayWithCheckpoints(versions, 'm1', 900, rest, cp);
          expect(resumed.charges).toEqual(full.charges.slice(intervals.length - rest.length));
          const later = full.checkpoints.filter((c) => c.monthStartMs > cp.monthStartMs);
          expect(resumed.checkpoints).toEqual(later);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('marks intervals before the first version as unrated (no central version)', () => {
    const early = Date.UTC(2012, 5, 30);
    const got = replayMeter(versions, 'm1', 900, [{ startMs: early, energyWh: 10 }]);
    expect(got).toEqual([{ startMs: early, versionId: null, amountMinor: 0n }]);
  });
});
