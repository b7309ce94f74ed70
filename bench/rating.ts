/**
 * Rating benchmark (not a test): a 4-period TOU × 3-tier tariff, 15-minute intervals, one year
 * per meter, rated by the batch and the incremental drivers, each compared with a bare
 * typed-array TOU loop measured in the same run. Run: `npx tsx bench/rating.ts`.
 */
import { performance } from 'node:perf_hooks';
import {
  compileTariff,
  createIncrementalRater,
  parseTariffVersion,
  rateBatch,
} from '../shared/src/tariff/index.js';
import { localMidnightUtcMs } from '../shared/src/time/index.js';

const TZ = 'Asia/Shanghai';
const STEP_MS = 900_000;
const INTERVALS = 365 * 96;
const METERS = Number.parseInt(process.env.METERS ?? '40', 10);

const version = parseTariffVersion({
  format: 'gridbill-tariff/v1',
  tariffId: 'bench',
  versionId: 'bench-1',
  effectiveFrom: '2024-01-01',
  timeZone: TZ,
  currency: 'CNY',
  rounding: 'half-up',
  periods: ['sharp', 'peak', 'flat', 'valley'],
  schedules: {
    default: {
      defaultPeriod: 'valley',
      seasons: [
        {
          id: 'all',
          weekday: [
            { from: '08:00', to: '11:00', period: 'peak' },
            { from: '11:00', to: '13:00', period: 'flat' },
            { from: '13:00', to: '17:00', period: 'peak' },
            { from: '17:00', to: '19:00', period: 'sharp' },
            { from: '19:00', to: '22:00', period: 'flat' },
          ],
          weekend: [{ from: '08:00', to: '22:00', period: 'flat' }],
        },
      ],
    },
  },
  holidays: { id: 'cn', dates: ['2024-10-01', '2024-10-02', '2024-10-03'] },
  components: [
    {
      kind: 'energy',
      id: 'energy',
      description: 'Energy',
      rates: { sharp: '1.1', peak: '0.9', flat: '0.6', valley: '0.3' },
      tiers: {
        scope: 'month',
        limitsKwh: ['200', '400'],
        allocation: 'chronological',
        adders: ['0', '0.05', '0.3'],
      },
    },
  ],
});
const versions = compileTariff([version]);

const startMs = new Float64Array(INTERVALS);
const wh = new Int32Array(INTERVALS);
const t0 = localMidnightUtcMs('2024-01-01', TZ);
for (let i = 0; i < INTERVALS; i++) {
  startMs[i] = t0 + i * STEP_MS;
  wh[i] = 50 + ((i * 7919) % 400);
}
const periods = Array.from({ length: 12 }, (_, m) => ({
  fromMs: localMidnightUtcMs(`2024-${String(m + 1).padStart(2, '0')}-01`, TZ),
  toMs: localMidnightUtcMs(
    m === 11 ? '2025-01-01' : `2024-${String(m + 2).padStart(2, '0')}-01`,
    TZ,
  ),
}));
const usage = { startMs, wh, intervalSeconds: 900 };

/** The raw limit: slot = i mod 96, price from a 96-slot vector, sum in a number. */
function bareLoop(): number {
  const price = new Int32Array(96);
  for (let s = 0; s < 96; s++) price[s] = 300_000 + (s % 4) * 200_000;
  let total = 0;
  for (let m = 0; m < METERS; m++) {
    for (let i = 0; i < INTERVALS; i++) total += wh[i]! * price[i % 96]!;
  }
  return total;
}

const year = [{ fromMs: periods[0]!.fromMs, toMs: periods[11]!.toMs }];

function batch(): number {
  let lines = 0;
  for (let m = 0; m < METERS; m++) lines += rateBatch({ versions, usage, periods }).periods.length;
  return lines;
}

function batchYear(): number {
  let lines = 0;
  for (let m = 0; m < METERS; m++)
    lines += rateBatch({ versions, usage, periods: year }).periods.length;
  return lines;
}

function incremental(): number {
  const rater = createIncrementalRater({ versions, meterId: 'm', intervalSeconds: 900 });
  let total = 0;
  for (let m = 0; m < METERS; m++) {
    let i = 0;
    for (const p of periods) {
      const state = rater.open(p.fromMs, p.toMs);
      for (; i < INTERVALS && startMs[i]! < p.toMs; i++)
        total += rater.step(state, startMs[i]!, wh[i]!);
      rater.close(state);
    }
  }
  return total;
}

/** Throughput for display (not money): `fixed(12.345, 1)` → "12.3". */
function fixed(value: number, digits: number): string {
  const f = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });
  return f.format(value);
}

/** Seconds of CPU time this process used (robust on a shared machine; wall time is not). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function measure(name: string, fn: () => number): number {
  fn(); // warm up
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = cpuSeconds();
    const wall = performance.now();
    fn();
    const seconds = Math.max(cpuSeconds() - start, 1e-6);
    runs.push((METERS * INTERVALS) / seconds);
    if (process.env.WALL) console.log(`  wall ${fixed(performance.now() - wall, 1)} ms`);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  console.log(`${name.padEnd(34)} ${fixed(median / 1e6, 1).padStart(7)} M intervals/s`);
  return median;
}

console.log(
  `rating benchmark: ${METERS} meters × ${INTERVALS} intervals (15 min, one year), CPU time`,
);
const raw = measure('bare typed-array TOU loop (raw)', bareLoop);
const b = measure('batch driver, 12 monthly bills', batch);
const by = measure('batch driver, 1 yearly bill', batchYear);
const inc = measure('incremental driver (step + close)', incremental);
console.log(
  `batch / raw       = ${fixed(b / raw, 3)} monthly, ${fixed(by / raw, 3)} yearly` +
    '  (target ≥ 50 M/s)',
);
console.log(`incremental / raw = ${fixed(inc / raw, 3)}  (target ≥ 5 M/s)`);
