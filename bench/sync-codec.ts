/**
 * Sync codec benchmark: what central does per upstream event (JSON → zod-validated event,
 * content hash, batch classification) and per meter-channel-day (interval-pack encode,
 * decode, merge), each next to the raw operation it wraps, measured in the same run.
 * The drain target (2.88 M readings in 30 s) needs ≥ 96 000 events/s end to end.
 * Prints a Markdown section for bench/RESULTS.md.
 *
 * Run: npx tsx bench/sync-codec.ts
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { createSystemClock } from '@gridbill/shared/clock';
import {
  decodeIntervalDay,
  emptyDay,
  encodeIntervalDay,
  mergeIntervals,
} from '@gridbill/shared/interval-pack';
import {
  classifyBatch,
  eventContentHash,
  parseEventBody,
  parseLooseBatch,
  upstreamBatchSchema,
} from '@gridbill/shared/sync';

const clock = createSystemClock();
const BATCH_EVENTS = 1000;

/** Best of 5 rounds: nanoseconds per unit of `fn`, which does `units` units per call. */
function nsPerUnit(calls: number, units: number, fn: (i: number) => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) if (fn(i) === sink) sink++;
    best = Math.min(best, ((performance.now() - t0) * 1e6) / (calls * units));
  }
  return best;
}

function batchText(fromSeq: number): string {
  const start = Date.UTC(2026, 0, 1);
  const events = Array.from({ length: BATCH_EVENTS }, (_, i) => ({
    seq: fromSeq + i,
    eventId: `00000000-0000-8000-8000-${String(fromSeq + i).padStart(12, '0')}`,
    occurredAtMs: start + i * 900_000,
    clockTrusted: true,
    kind: 'interval',
    body: {
      meterId: `m-${i % 1000}`,
      channel: 0,
      intervalStartMs: start + i * 900_000,
      intervalSeconds: 900,
      energyWh: 100 + (i % 400),
      qualityFlags: 0,
    },
  }));
  const batch = {
    v: 1,
    gatewayId: 'gw-bench',
    incarnation: '0193a2c4-5e6f-7a80-9b1c-2d3e4f506172',
    fromSeq,
    headSeq: fromSeq + BATCH_EVENTS - 1,
    sentAtMs: start,
    events,
  };
  return JSON.stringify(batch);
}

interface Row {
  what: string;
  ns: number;
  raw: string;
  rawNs: number;
}

function rows(): Row[] {
  const text = batchText(1);
  const loose = parseLooseBatch(JSON.parse(text));
  const state = { incarnation: loose.incarnation, ackedThroughSeq: 0, retiredIncarnations: [] };
  const day = emptyDay(96, 900);
  const packed = encodeIntervalDay(day);
  const updates = Array.from({ length: 96 }, (_, index) => ({ index, valueWh: index, flags: 0 }));
  const rawJsonNs = nsPerUnit(20, BATCH_EVENTS, () => JSON.parse(text));
  const rawCopy = (bytes: Uint8Array) => Buffer.from(bytes).length;
  return [
    {
      what: 'upstreamBatchSchema.parse(JSON.parse) per event',
      ns: nsPerUnit(20, BATCH_EVENTS, () => upstreamBatchSchema.parse(JSON.parse(text))),
      raw: 'JSON.parse per event',
      rawNs: rawJsonNs,
    },
    {
      what: 'parseLooseBatch + parseEventBody per event (central path)',
      ns: nsPerUnit(20, BATCH_EVENTS, () =>
        parseLooseBatch(JSON.parse(text)).events.map(parseEventBody),
      ),
      raw: 'JSON.parse per event',
      rawNs: rawJsonNs,
    },
    {
      what: 'eventContentHash per event',
      ns: nsPerUnit(20, BATCH_EVENTS, () => loose.events.map(eventContentHash)),
      raw: 'sha256 of JSON.stringify',
      rawNs: nsPerUnit(20, BATCH_EVENTS, () =>
        loose.events.map((e) => createHash('sha256').update(JSON.stringify(e)).digest('hex')),
      ),
    },
    {
      what: 'classifyBatch, all fresh, per event',
      ns: nsPerUnit(200, BATCH_EVENTS, () => classifyBatch(state, loose, () => undefined)),
      raw: 'array copy per event',
      rawNs: nsPerUnit(200, BATCH_EVENTS, () => loose.events.slice()),
    },
    {
      what: 'encodeIntervalDay (96 slots) per day',
      ns: nsPerUnit(200_000, 1, () => encodeIntervalDay(day)),
      raw: 'Buffer copy of 488 bytes',
      rawNs: nsPerUnit(200_000, 1, () => rawCopy(packed)),
    },
    {
      what: 'decodeIntervalDay (96 slots) per day',
      ns: nsPerUnit(200_000, 1, () => decodeIntervalDay(packed)),
      raw: 'Buffer copy of 488 bytes',
      rawNs: nsPerUnit(200_000, 1, () => rawCopy(packed)),
    },
    {
      what: 'mergeIntervals, 96 late intervals, per day',
      ns: nsPerUnit(50_000, 1, () => mergeIntervals(day, updates)),
      raw: 'Int32Array + Uint8Array copy',
      rawNs: nsPerUnit(50_000, 1, () => day.valuesWh.slice().length + day.flags.slice().length),
    },
  ];
}

function main(): void {
  const table = rows();
  const cpu = cpus();
  const date = new Date(clock.wallMs()).toISOString().slice(0, 10);
  const perEvent = table[1]!.ns + table[2]!.ns + table[3]!.ns;
  const lines = [
    `## Sync codec (shared/sync, shared/interval-pack) — ${date}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), Node ${process.version}; ` +
      `best of 5 rounds; batches of ${BATCH_EVENTS} interval events; ` +
      '`npx tsx bench/sync-codec.ts`.',
    '',
    '| operation | ns/unit | raw limit | raw ns/unit | ratio |',
    '|---|---:|---|---:|---:|',
    ...table.map(
      (r) =>
        `| ${r.what} | ${r.ns.toFixed(0)} | ${r.raw} | ${r.rawNs.toFixed(0)} | ` +
        `${(r.ns / r.rawNs).toFixed(2)} |`,
    ),
    '',
    `Central per-event CPU for parse + hash + classify: ${perEvent.toFixed(0)} ns ` +
      `→ ${Math.floor(1e9 / perEvent).toLocaleString('en-US')} events/s on one core ` +
      `(target for the 30-day drain: 96,000/s; raw JSON.parse alone: ` +
      `${Math.floor(1e9 / table[1]!.rawNs).toLocaleString('en-US')}/s).`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
