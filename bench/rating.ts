/**
 * Rating benchmark (not a test): a 4-period TOU × 3-tier tariff, 15-minute intervals, one year
 * per meter, rated by the batch and the incremental drivers, each compared with a bare
 * typed-array TOU loop measured in the same run. Steady state: each driver is warmed up on the
 * same work (`WARMUP` rounds, not measured), then `ROUNDS` rounds each time the raw loop and
 * the driver back to back; every round rates all `METERS` × 35 040 intervals into full bills.
 * Run: `npx tsx bench/rating.ts` (env: METERS, WARMUP, ROUNDS).
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

const WARMUP_ROUNDS = Number.parseInt(process.env.WARMUP ?? '6', 10);
const ROUNDS = Number.parseInt(process.env.ROUNDS ?? '9', 10);
const WORK = METERS * INTERVALS;

/** One timed call of `fn`: intervals per second of CPU time and of wall time. */
function timed(fn: () => number): { cpu: number; wall: number; sink: number } {
  const cpu0 = cpuSeconds();
  const wall0 = performance.now();
  const sink = fn();
  const wallSeconds = Math.max((performance.now() - wall0) / 1000, 1e-6);
  const cpuSecondsUsed = Math.max(cpuSeconds() - cpu0, 1e-6);
  return { cpu: WORK / cpuSecondsUsed, wall: WORK / wallSeconds, sink };
}

interface Figures {
  name: string;
  cpu: number[];
  wall: number[];
  raw: number[];
  ratio: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const best = (xs: number[]) => Math.max(...xs);
const mps = (x: number) => fixed(x / 1e6, 1).padStart(6);

let sinkTotal = 0;

/**
 * Warms `fn` up on the same work (not measured), then measures `ROUNDS` rounds, each a raw loop
 * run then a driver run, so a load swing on the shared machine hits both; every round rates all
 * `METERS` × `INTERVALS` intervals (nothing is skipped or cached between rounds).
 */
function measure(name: string, fn: () => number): Figures {
  for (let r = 0; r < WARMUP_ROUNDS; r++) sinkTotal += fn() + bareLoop();
  const f: Figures = { name, cpu: [], wall: [], raw: [], ratio: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const raw = timed(bareLoop);
    const run = timed(fn);
    sinkTotal += raw.sink + run.sink;
    f.raw.push(raw.cpu);
    f.cpu.push(run.cpu);
    f.wall.push(run.wall);
    f.ratio.push(run.cpu / raw.cpu);
  }
  return f;
}

function report(f: Figures, targetPerSecond: number): string {
  const met = median(f.cpu) >= targetPerSecond ? 'met' : 'NOT met';
  const toBestRaw = median(f.cpu) / best(f.raw);
  return (
    `${f.name.padEnd(34)} ${mps(median(f.cpu))} ${mps(best(f.cpu))} ${mps(median(f.wall))}` +
    ` ${mps(median(f.raw))} ${mps(best(f.raw))} ${fixed(median(f.ratio), 3).padStart(6)}` +
    ` ${fixed(toBestRaw, 3).padStart(6)}  ≥ ${targetPerSecond / 1e6} M/s: ${met}`
  );
}

console.log(
  `rating benchmark: ${METERS} meters × ${INTERVALS} intervals (15 min, one year) per round;` +
    ` ${WARMUP_ROUNDS} warm-up rounds, ${ROUNDS} measured rounds alternating with the raw loop`,
);
console.log(
  `${'M intervals/s'.padEnd(34)} ${'cpu med'.padStart(6)} ${'best'.padStart(6)}` +
    ` ${'wall'.padStart(6)} ${'raw'.padStart(6)} ${'r best'.padStart(6)} ${'/raw'.padStart(6)}` +
    ` ${'/rbest'.padStart(6)}`,
);
const monthly = measure('batch driver, 12 monthly bills', batch);
console.log(report(monthly, 50e6));
const yearly = measure('batch driver, 1 yearly bill', batchYear);
console.log(report(yearly, 50e6));
const inc = measure('incremental driver (step + close)', incremental);
console.log(report(inc, 5e6));
console.log(
  'cpu med/best = median/best of CPU-time throughput; wall = median wall-time throughput; ' +
    'raw / r best = median / best raw loop of the same rounds; /raw = median of per-round ' +
    'ratios; /rbest = cpu med / r best (the conservative ratio)',
);
if (sinkTotal === -1) console.log('unreachable');
