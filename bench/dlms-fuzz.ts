/**
 * DLMS decoder fuzzing at volume (not a test; the test suite runs 2,000 + 2,000 per decoder):
 * for every decoder in DLMS_DECODERS, N random byte strings and N mutations of the shared
 * vectors (overwrite, insert, delete, truncate, ±1 on a byte). Each input must yield a value
 * or a DlmsDecodeError; anything else (other exception, the slowest input re-timed alone
 * taking > 250 ms) is a failure.
 * The raw limit is the same number of plain `Uint8Array.slice` copies of the same inputs.
 * Run: `npx tsx bench/dlms-fuzz.ts` (N=100000 by default, env N to change).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DLMS_DECODERS, DlmsDecodeError, fromHex } from '../shared/src/dlms/index.js';

const N = Number(process.env.N ?? 100_000);
const SLOW_MS = 250;
const vectors = (
  JSON.parse(
    readFileSync(
      new URL('../shared/test/fixtures/dlms/dlms-vectors.json', import.meta.url),
      'utf8',
    ),
  ) as { vectors: { name: string; hex: string }[] }
).vectors;

/** xorshift32: a seeded, reproducible source of fuzz inputs. */
class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0 || 1;
  }
  nextInt(min: number, max: number): number {
    this.x ^= this.x << 13;
    this.x ^= this.x >>> 17;
    this.x ^= this.x << 5;
    return min + ((this.x >>> 0) % (max - min + 1));
  }
}

function mutate(seed: Uint8Array, rnd: Rng): Uint8Array {
  let b = Array.from(seed);
  const edits = rnd.nextInt(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = b.length === 0 ? 0 : rnd.nextInt(0, b.length - 1);
    const op = rnd.nextInt(0, 4);
    const v = rnd.nextInt(0, 255);
    if (op === 0) b[at] = v;
    else if (op === 1) b.splice(at, 0, v);
    else if (op === 2) b.splice(at, 1);
    else if (op === 3) b = b.slice(0, at);
    else b[at] = ((b[at] ?? 0) + (v % 2 === 0 ? 1 : 255)) & 0xff;
  }
  return Uint8Array.from(b);
}

function randomBytes(rnd: Rng): Uint8Array {
  const out = new Uint8Array(rnd.nextInt(0, 300));
  for (let i = 0; i < out.length; i++) out[i] = rnd.nextInt(0, 255);
  return out;
}

interface Tally {
  values: number;
  typedErrors: number;
  failures: string[];
  ms: number;
  slowestFirstMs: number;
  slowestInput: Uint8Array;
  slowest: number;
}

function run(decode: (b: Uint8Array) => unknown, inputs: Uint8Array[]): Tally {
  const t: Tally = {
    values: 0,
    typedErrors: 0,
    failures: [],
    ms: 0,
    slowestFirstMs: 0,
    slowestInput: new Uint8Array(0),
    slowest: 0,
  };
  const t0 = performance.now();
  for (const input of inputs) {
    const s = performance.now();
    try {
      decode(input);
      t.values++;
    } catch (err) {
      if (err instanceof DlmsDecodeError) t.typedErrors++;
      else if (t.failures.length < 5)
        t.failures.push(`${Buffer.from(input).toString('hex')}: ${err}`);
    }
    const took = performance.now() - s;
    if (took > t.slowestFirstMs) {
      t.slowestFirstMs = took;
      t.slowestInput = input;
    }
  }
  t.ms = performance.now() - t0;
  t.slowest = retime(decode, t.slowestInput);
  return t;
}

/** The slowest input re-timed alone (best of 5), so a GC pause or a busy core is not a hang. */
function retime(decode: (b: Uint8Array) => unknown, input: Uint8Array): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    try {
      decode(input);
    } catch {}
    best = Math.min(best, performance.now() - s);
  }
  return best;
}

function rawCopies(inputs: Uint8Array[]): number {
  const t0 = performance.now();
  let n = 0;
  for (const input of inputs) n += input.slice().length;
  if (n < 0) throw new Error('unreachable');
  return performance.now() - t0;
}

const rnd = new Rng(20261128);
const lines = [
  `## DLMS decoder fuzzing (bench/dlms-fuzz.ts)`,
  '',
  `- machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  `- ${N} random + ${N} mutated inputs per decoder; seed 20261128`,
  '',
  '| decoder | random: values / typed errors | mutated: values / typed errors | other errors | ' +
    'slowest input (re-timed) | ms total | ratio to raw copies |',
  '|---|---|---|---|---|---|---|',
];
let failed = false;
for (const d of DLMS_DECODERS) {
  const seeds = [
    ...vectors.filter((v) => d.seedPrefixes.some((p) => v.name.startsWith(p))).map((v) => v.hex),
    ...(d.seedHex ?? []),
  ].map(fromHex);
  const pool = seeds.length > 0 ? seeds : vectors.map((v) => fromHex(v.hex));
  const random = Array.from({ length: N }, () => randomBytes(rnd));
  const mutated = Array.from({ length: N }, () =>
    mutate(pool[rnd.nextInt(0, pool.length - 1)]!, rnd),
  );
  const a = run(d.decode, random);
  const b = run(d.decode, mutated);
  const raw = rawCopies(random) + rawCopies(mutated);
  const other = a.failures.length + b.failures.length;
  const slowest = Math.max(a.slowest, b.slowest);
  if (other > 0 || slowest > SLOW_MS) failed = true;
  lines.push(
    `| ${d.name} | ${a.values} / ${a.typedErrors} | ${b.values} / ${b.typedErrors} | ${other} | ` +
      `${slowest.toFixed(2)} ms | ${(a.ms + b.ms).toFixed(0)} | ` +
      `${((a.ms + b.ms) / raw).toFixed(1)} |`,
  );
  for (const f of [...a.failures, ...b.failures]) lines.push(`  - FAILURE ${f}`);
}
lines.push(
  '',
  failed ? '- RESULT: FAILURES above' : '- RESULT: every input gave a value or a DlmsDecodeError',
);
process.stdout.write(`${lines.join('\n')}\n`);
if (failed) process.exitCode = 1;
