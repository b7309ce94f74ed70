/**
 * Foundation primitives benchmark: local time, money arithmetic and ids, each next to the raw
 * operation it wraps, measured in the same run. Prints a Markdown section for
 * bench/RESULTS.md.
 *
 * Run: npx tsx bench/foundation.ts
 */
import { hash, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { createSystemClock } from '@gridbill/shared/clock';
import { contentId, createSeededRandom, createUuidV7 } from '@gridbill/shared/ids';
import { allocate, divRound } from '@gridbill/shared/money';
import { localDays, localParts } from '@gridbill/shared/time';

const clock = createSystemClock();

/** Best of 5 rounds: nanoseconds per call of `fn` over `calls` calls. */
function nsPerCall(calls: number, fn: (i: number) => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) if (fn(i) === sink) sink++;
    best = Math.min(best, ((performance.now() - t0) * 1e6) / calls);
  }
  return best;
}

interface Row {
  what: string;
  ns: number;
  raw: string;
  rawNs: number;
}

function rows(): Row[] {
  const zone = 'Europe/London';
  const base = Date.UTC(2024, 0, 1);
  const intl = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const hour = (i: number): number => base + (i % 8760) * 3_600_000;
  localDays('2024-01-01', '2025-01-01', zone); // warm the offset cache for 2024
  const random = createSeededRandom('bench');
  const nextId = createUuidV7(clock, random);
  const weights = [3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n];
  const big = 123_456_789_012_345_678n;
  return [
    {
      what: 'localParts (hour instants, warm)',
      ns: nsPerCall(200_000, (i) => localParts(hour(i), zone).hour),
      raw: 'Intl formatToParts',
      rawNs: nsPerCall(50_000, (i) => intl.formatToParts(hour(i)).length),
    },
    {
      what: 'localDays, one year (per day, warm)',
      ns: nsPerCall(20, () => localDays('2024-01-01', '2025-01-01', zone).length) / 366,
      raw: 'Intl formatToParts',
      rawNs: nsPerCall(50_000, (i) => intl.formatToParts(hour(i)).length),
    },
    {
      what: "divRound(bigint, 10^7, 'half-even')",
      ns: nsPerCall(500_000, (i) => divRound(big + BigInt(i), 10_000_000n, 'half-even')),
      raw: 'bigint / and %',
      rawNs: nsPerCall(500_000, (i) => (big + BigInt(i)) / 10_000_000n + (big % 7n)),
    },
    {
      what: 'allocate(total, 10 weights)',
      ns: nsPerCall(100_000, (i) => allocate(BigInt(i) * 997n, weights).length),
      raw: '10 bigint multiply-divides',
      rawNs: nsPerCall(100_000, (i) => weights.map((w) => (BigInt(i) * 997n * w) / 158n).length),
    },
    {
      what: 'contentId(ns, string, ms, string)',
      ns: nsPerCall(100_000, (i) => contentId('charge', 'meter-7', base + i, 'v3')),
      raw: 'crypto.hash sha256 hex of same text',
      rawNs: nsPerCall(100_000, (i) =>
        hash('sha256', `["charge","smeter-7","i${base + i}","sv3"]`, 'hex'),
      ),
    },
    {
      what: 'createUuidV7 next()',
      ns: nsPerCall(200_000, () => nextId()),
      raw: 'crypto.randomUUID (v4)',
      rawNs: nsPerCall(200_000, () => randomUUID()),
    },
  ];
}

function main(): void {
  const table = rows();
  const cpu = cpus();
  const date = new Date(clock.wallMs()).toISOString().slice(0, 10);
  const lines = [
    `## Foundation primitives (shared/money, time, ids) — ${date}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), Node ${process.version}; ` +
      'best of 5 rounds; `npx tsx bench/foundation.ts`.',
    '',
    '| operation | ns/call | raw limit | raw ns/call | ratio |',
    '|---|---:|---|---:|---:|',
    ...table.map(
      (r) =>
        `| ${r.what} | ${r.ns.toFixed(0)} | ${r.raw} | ${r.rawNs.toFixed(0)} | ` +
        `${(r.ns / r.rawNs).toFixed(2)} |`,
    ),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
