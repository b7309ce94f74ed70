/**
 * Packed edge charges of one meter × account × UTC day (central's `edge_charge_days` row): a
 * binary layout instead of one row per interval. Pure: bytes in, bytes out.
 */
import { VarintWriter } from './varint-writer.js';

export const CHARGE_DAY_FORMAT = 1;
export const CHARGE_DAY_MS = 86_400_000;
const HEADER_BYTES = 8;
const MAX_COUNT = 65_535;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_32 = 4_294_967_296;
/** Tag bit: the energy is negative (its magnitude follows as a uvarint). */
const NEGATIVE_WH = 0x20;
/** `priceSource` codes stored in an entry (the index is the code). */
const PRICE_SOURCES = ['tariff', 'fallback'] as const;

/** One edge-rated charge as packed (the account is the row's). */
export interface PackedCharge {
  startMs: number;
  seconds: number;
  energyWh: number;
  amountMinor: bigint;
  tariffVersionId: string;
  currency: string;
  priceSource: 'tariff' | 'fallback';
}

export class ChargeDayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChargeDayError';
  }
}

/**
 * Start of the UTC day holding an instant.
 * Example: chargeDayStartMs(90_000_000) → 86_400_000.
 */
export function chargeDayStartMs(startMs: number): number {
  return Math.floor(startMs / CHARGE_DAY_MS) * CHARGE_DAY_MS;
}

/**
 * Packs a day's charges, sorted by (start, tariff version): u8 format (1) · u8 0 ·
 * u16 strings · u16 count · u16 0 · strings (u8 length + ASCII; versions and currencies) ·
 * per charge: uvarint Δ start ms (from the day start, then from the previous charge) ·
 * uvarint seconds · u8 tag (price source code | amount bytes << 1 | 0x20 when Wh < 0) ·
 * uvarint |Wh| · the amount's minimal two's-complement bytes (0..8, little-endian; int64) ·
 * uvarint version string · uvarint currency string. About 11 bytes per 15-minute charge.
 * Example: day 0, [{ startMs: 900000, seconds: 900, energyWh: 412, amountMinor: 8n,
 *   tariffVersionId: 'tv', currency: 'KES', priceSource: 'tariff' }] →
 *   01 00 02 00 01 00 00 00 · 02 74 76 · 03 4b 45 53 ·
 *   a0 f7 36 · 84 07 · 02 · 9c 03 · 08 · 00 · 01 (26 bytes)
 */
export function encodeChargeDay(dayStartMs: number, charges: readonly PackedCharge[]): Uint8Array {
  const sorted = isSorted(charges) ? charges : [...charges].sort(byStartThenVersion);
  return assemble(dayStartMs, emptyScan(dayStartMs), sorted);
}

/**
 * Adds charges to a packed day without decoding it: every charge must start after the day's
 * last stored start, in increasing order (time-ordered arrival; else decode, merge, encode).
 * The result equals `encodeChargeDay` of all the charges except that new strings follow the
 * stored ones. Example: appendChargeDay(0, encodeChargeDay(0, [c(900000)]), [c(1800000)])
 *   decodes to [c(900000), c(1800000)]; appending c(900000) again throws ChargeDayError.
 */
export function appendChargeDay(
  dayStartMs: number,
  packed: Uint8Array | ChargeDayScan | null,
  charges: readonly PackedCharge[],
): Uint8Array {
  const base =
    packed === null
      ? emptyScan(dayStartMs)
      : packed instanceof Uint8Array
        ? scanChargeDay(dayStartMs, packed)
        : packed;
  let prevMs = base.count > 0 ? base.lastStartMs : dayStartMs - 1;
  for (const c of charges) {
    if (c.startMs <= prevMs) {
      throw new ChargeDayError(`${where(c)}: not after the day's charge at ${prevMs}`);
    }
    prevMs = c.startMs;
  }
  return assemble(dayStartMs, base, charges);
}

/** A packed day's parts: strings, the entry bytes, their count and the last start. */
export interface ChargeDayScan {
  strings: string[];
  entries: Uint8Array;
  count: number;
  lastStartMs: number;
}

function emptyScan(dayStartMs: number): ChargeDayScan {
  return { strings: [], entries: new Uint8Array(0), count: 0, lastStartMs: dayStartMs };
}

/**
 * Walks a packed day once without building charges (for `appendChargeDay`).
 * Example: the 26-byte example of encodeChargeDay → { count: 1, lastStartMs: 900000,
 *   strings: ['tv', 'KES'], entries: <its 11 entry bytes> }.
 */
export function scanChargeDay(dayStartMs: number, bytes: Uint8Array): ChargeDayScan {
  const { texts, end, count } = readHeader(bytes);
  const r = new Reader(bytes, end);
  let startMs = dayStartMs;
  for (let i = 0; i < count; i += 1) {
    startMs += r.uvarint();
    r.uvarint();
    const tag = r.byte();
    r.uvarint();
    const amountBytes = (tag >> 1) & 0x0f;
    if (amountBytes > 8) throw new ChargeDayError(`packed charges: amount of ${amountBytes} bytes`);
    r.skip(amountBytes);
    r.uvarint();
    r.uvarint();
  }
  if (r.at !== bytes.length) {
    throw new ChargeDayError(`packed charges: ${bytes.length - r.at} bytes after ${count} charges`);
  }
  return { strings: texts, entries: bytes.subarray(end), count, lastStartMs: startMs };
}

/** Entry bytes of one assemble call (reused: assemble copies them out before returning). */
const ENTRIES = { writer: null as Writer | null };

function assemble(
  dayStartMs: number,
  base: ChargeDayScan,
  charges: readonly PackedCharge[],
): Uint8Array {
  const { count, strings, entries } = startAppend(base, charges.length);
  let prevMs = base.count > 0 ? base.lastStartMs : dayStartMs;
  // runs of one version and currency look their string up once
  let lastVersion: string | null = null;
  let lastCurrency: string | null = null;
  let versionIndex = 0;
  let currencyIndex = 0;
  for (const c of charges) {
    checkCharge(dayStartMs, c);
    entries.uvarint(c.startMs - prevMs);
    prevMs = c.startMs;
    entries.uvarint(c.seconds);
    const negative = c.energyWh < 0 ? NEGATIVE_WH : 0;
    entries.amount(PRICE_SOURCES.indexOf(c.priceSource) | negative, c.amountMinor, c.energyWh);
    if (c.tariffVersionId !== lastVersion) {
      lastVersion = c.tariffVersionId;
      versionIndex = stringIndex(strings, lastVersion, 'tariff version');
    }
    if (c.currency !== lastCurrency) {
      lastCurrency = c.currency;
      currencyIndex = stringIndex(strings, lastCurrency, 'currency');
    }
    entries.uvarint(versionIndex);
    entries.uvarint(currencyIndex);
  }
  return finishDay(base, strings, entries, count);
}

/**
 * What appending `adding` charges to a stored day starts from: the new count (checked against
 * MAX_COUNT), the day's string table and the shared entry writer, emptied.
 */
function startAppend(base: ChargeDayScan, adding: number) {
  const count = base.count + adding;
  if (count > MAX_COUNT) {
    throw new ChargeDayError(`cannot pack ${count} charges in one day (max ${MAX_COUNT})`);
  }
  const strings = new Map<string, number>();
  for (const text of base.strings) strings.set(text, strings.size);
  if (!ENTRIES.writer) ENTRIES.writer = new Writer(4096);
  const entries = ENTRIES.writer;
  entries.at = 0;
  return { count, strings, entries };
}

/** Header, strings, the stored entries, then the `entries` written now. */
function finishDay(
  base: ChargeDayScan,
  strings: Map<string, number>,
  entries: Writer,
  count: number,
): Uint8Array {
  let stringBytes = 0;
  for (const text of strings.keys()) stringBytes += 1 + text.length;
  const out = new Uint8Array(HEADER_BYTES + stringBytes + base.entries.length + entries.at);
  out[0] = CHARGE_DAY_FORMAT;
  out[2] = strings.size & 0xff;
  out[3] = strings.size >> 8;
  out[4] = count & 0xff;
  out[5] = count >> 8;
  let at = HEADER_BYTES;
  for (const text of strings.keys()) {
    out[at] = text.length;
    for (let i = 0; i < text.length; i += 1) out[at + 1 + i] = text.charCodeAt(i);
    at += 1 + text.length;
  }
  out.set(base.entries, at);
  out.set(entries.buf.subarray(0, entries.at), at + base.entries.length);
  return out;
}

/**
 * New charges of one meter-day as columns (the caller fills the first `n` entries and reuses
 * the run): what `appendChargeRun` packs without a `PackedCharge` object (or a bigint) per
 * charge. Amounts are safe integers of minor units.
 */
export interface ChargeRun {
  n: number;
  startMs: Float64Array;
  seconds: Float64Array;
  energyWh: Float64Array;
  amountMinor: Float64Array;
  /** Index into PRICE_SOURCE names: 0 tariff, 1 fallback. */
  priceSource: Uint8Array;
  tariffVersionIds: string[];
  currency: string;
}

/** An empty run with room for `capacity` charges. */
export function newChargeRun(capacity: number): ChargeRun {
  return {
    n: 0,
    startMs: new Float64Array(capacity),
    seconds: new Float64Array(capacity),
    energyWh: new Float64Array(capacity),
    amountMinor: new Float64Array(capacity),
    priceSource: new Uint8Array(capacity),
    tariffVersionIds: new Array<string>(capacity).fill(''),
    currency: '',
  };
}

/**
 * `appendChargeDay` for charges given as a run: byte for byte the same result as
 * appendChargeDay(dayStartMs, base, the run's charges as PackedCharge objects), with the same
 * checks (starts after the stored ones and increasing, in the day; 32-bit seconds; safe
 * integers). Example: a run of one charge (900000, 900 s, 412 Wh, 8, 'tv', 'KES', tariff) on
 *   day 0 with no stored row → the 26 bytes of the encodeChargeDay example.
 */
export function appendChargeRun(
  dayStartMs: number,
  packed: ChargeDayScan | null,
  run: ChargeRun,
): Uint8Array {
  const base = packed ?? emptyScan(dayStartMs);
  const { count, strings, entries } = startAppend(base, run.n);
  let prevMs = base.count > 0 ? base.lastStartMs : dayStartMs;
  let lastVersion: string | null = null;
  let versionIndex = 0;
  let currencyIndex = 0;
  for (let i = 0; i < run.n; i += 1) {
    const startMs = run.startMs[i]!;
    checkRunCharge(dayStartMs, run, i, base.count > 0 || i > 0 ? prevMs : dayStartMs - 1);
    entries.uvarint(startMs - prevMs);
    prevMs = startMs;
    entries.uvarint(run.seconds[i]!);
    const wh = run.energyWh[i]!;
    entries.safeAmount(run.priceSource[i]! | (wh < 0 ? NEGATIVE_WH : 0), run.amountMinor[i]!, wh);
    const version = run.tariffVersionIds[i]!;
    if (version !== lastVersion) {
      lastVersion = version;
      versionIndex = stringIndex(strings, version, 'tariff version');
    }
    // the currency's string after the first version's, as `assemble` adds them
    if (i === 0) currencyIndex = stringIndex(strings, run.currency, 'currency');
    entries.uvarint(versionIndex);
    entries.uvarint(currencyIndex);
  }
  return finishDay(base, strings, entries, count);
}

/** `checkCharge` and the order check of `appendChargeDay` for charge i of a run. */
function checkRunCharge(dayStartMs: number, run: ChargeRun, i: number, afterMs: number): void {
  const startMs = run.startMs[i]!;
  const offsetMs = startMs - dayStartMs;
  const seconds = run.seconds[i]!;
  const ok =
    startMs > afterMs &&
    Number.isSafeInteger(offsetMs) &&
    offsetMs >= 0 &&
    offsetMs < CHARGE_DAY_MS &&
    Number.isInteger(seconds) &&
    seconds > 0 &&
    seconds < TWO_32 &&
    Number.isSafeInteger(run.energyWh[i]!) &&
    Number.isSafeInteger(run.amountMinor[i]!) &&
    run.priceSource[i]! <= 1;
  if (!ok) throw new ChargeDayError(runChargeProblem(dayStartMs, run, i, afterMs));
}

/** Why charge i of a run cannot be packed (only built for a charge that cannot). */
function runChargeProblem(dayStartMs: number, run: ChargeRun, i: number, afterMs: number) {
  const startMs = run.startMs[i]!;
  const at = `charge at ${startMs} (${run.tariffVersionIds[i]})`;
  if (startMs <= afterMs) return `${at}: not after the day's charge at ${afterMs}`;
  const offsetMs = startMs - dayStartMs;
  if (!Number.isSafeInteger(offsetMs) || offsetMs < 0 || offsetMs >= CHARGE_DAY_MS) {
    return `${at}: start is not in the day starting ${dayStartMs}`;
  }
  const seconds = run.seconds[i]!;
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds >= TWO_32) {
    return `${at}: seconds ${seconds} is not a positive 32-bit integer`;
  }
  if (!Number.isSafeInteger(run.energyWh[i]!)) {
    return `${at}: energyWh ${run.energyWh[i]} is not a safe integer`;
  }
  if (!Number.isSafeInteger(run.amountMinor[i]!)) {
    return `${at}: amountMinor ${run.amountMinor[i]} is not a safe integer`;
  }
  return `${at}: unknown price source code ${run.priceSource[i]}`;
}

function stringIndex(strings: Map<string, number>, text: string, field: string): number {
  let index = strings.get(text);
  if (index === undefined) {
    checkAscii(text, field);
    index = strings.size;
    strings.set(text, index);
  }
  return index;
}

function isSorted(charges: readonly PackedCharge[]): boolean {
  for (let i = 1; i < charges.length; i += 1) {
    if (byStartThenVersion(charges[i - 1]!, charges[i]!) >= 0) return false;
  }
  return true;
}

function where(c: PackedCharge): string {
  return `charge at ${c.startMs} (${c.tariffVersionId})`;
}

function checkCharge(dayStartMs: number, c: PackedCharge): void {
  const offsetMs = c.startMs - dayStartMs;
  if (!Number.isSafeInteger(offsetMs) || offsetMs < 0 || offsetMs >= CHARGE_DAY_MS) {
    throw new ChargeDayError(`${where(c)}: start is not in the day starting ${dayStartMs}`);
  }
  if (!Number.isInteger(c.seconds) || c.seconds <= 0 || c.seconds >= TWO_32) {
    throw new ChargeDayError(`${where(c)}: seconds ${c.seconds} is not a positive 32-bit integer`);
  }
  if (!Number.isSafeInteger(c.energyWh)) {
    throw new ChargeDayError(`${where(c)}: energyWh ${c.energyWh} is not a safe integer`);
  }
  if (c.amountMinor < INT64_MIN || c.amountMinor > INT64_MAX) {
    throw new ChargeDayError(`${where(c)}: amountMinor ${c.amountMinor} does not fit in 64 bits`);
  }
  if (c.priceSource !== 'tariff' && c.priceSource !== 'fallback') {
    throw new ChargeDayError(`${where(c)}: unknown price source '${c.priceSource}'`);
  }
}

/** 8 bytes for int64 ↔ bytes (used synchronously within one call). */
const SCRATCH = new DataView(new ArrayBuffer(8));
/** The little-endian bytes of a safe-integer amount (`Writer.safeAmount`). */
const SAFE_BYTES = new Uint8Array(8);

/** A growing byte buffer with the varint writers of the layout. */
class Writer extends VarintWriter {
  private readonly scratch = SCRATCH;

  /**
   * Tag byte (flags | amount byte count << 1), uvarint |Wh|, then the amount's minimal
   * two's-complement bytes.
   */
  amount(flags: number, v: bigint, energyWh: number): void {
    this.room(9);
    this.scratch.setBigInt64(0, v, true);
    let n = v === 0n ? 0 : 8;
    while (n > 1) {
      const top = this.scratch.getUint8(n - 1);
      const next = this.scratch.getUint8(n - 2) & 0x80;
      if ((top === 0 && next === 0) || (top === 0xff && next !== 0)) n -= 1;
      else break;
    }
    this.buf[this.at++] = flags | (n << 1);
    this.uvarint(Math.abs(energyWh));
    this.room(n);
    for (let i = 0; i < n; i += 1) this.buf[this.at++] = this.scratch.getUint8(i);
  }

  /**
   * `amount` for a safe-integer amount, without a bigint: the same tag and bytes (the two's
   * complement of v < 0 is the complement of the bytes of −v − 1).
   */
  safeAmount(flags: number, v: number, energyWh: number): void {
    if (v >= -128 && v < 128) {
      // one byte (or none for 0): the common small amount, no byte loop
      const n = v === 0 ? 0 : 1;
      this.room(2 + 8);
      this.buf[this.at++] = flags | (n << 1);
      this.uvarint(Math.abs(energyWh));
      if (n === 1) this.buf[this.at++] = v & 0xff;
      return;
    }
    this.room(9);
    const negative = v < 0;
    let x = negative ? -v - 1 : v;
    const bytes = SAFE_BYTES;
    for (let i = 0; i < 8; i += 1) {
      const b = x % 256;
      bytes[i] = negative ? 255 - b : b;
      x = (x - b) / 256;
    }
    let n = v === 0 ? 0 : 8;
    while (n > 1) {
      const top = bytes[n - 1]!;
      const next = bytes[n - 2]! & 0x80;
      if ((top === 0 && next === 0) || (top === 0xff && next !== 0)) n -= 1;
      else break;
    }
    this.buf[this.at++] = flags | (n << 1);
    this.uvarint(Math.abs(energyWh));
    this.room(n);
    for (let i = 0; i < n; i += 1) this.buf[this.at++] = bytes[i]!;
  }

  ascii(text: string): void {
    this.room(1 + text.length);
    this.buf[this.at++] = text.length;
    for (let i = 0; i < text.length; i += 1) this.buf[this.at++] = text.charCodeAt(i);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
}

/** Inverse of encodeChargeDay; throws ChargeDayError on a wrong format, length or index. */
export function decodeChargeDay(dayStartMs: number, bytes: Uint8Array): PackedCharge[] {
  const strings = readHeader(bytes);
  const count = strings.count;
  const r = new Reader(bytes, strings.end);
  const out: PackedCharge[] = new Array(count);
  let startMs = dayStartMs;
  for (let i = 0; i < count; i += 1) {
    startMs += r.uvarint();
    const seconds = r.uvarint();
    const tag = r.byte();
    const wh = r.uvarint();
    const energyWh = tag & NEGATIVE_WH ? -wh : wh;
    const amountMinor = r.amount((tag >> 1) & 0x0f);
    const version = strings.texts[r.uvarint()];
    const currency = strings.texts[r.uvarint()];
    const source = PRICE_SOURCES[tag & 1];
    if (version === undefined || currency === undefined || source === undefined) {
      throw new ChargeDayError(`packed charge ${i}: string index out of range`);
    }
    out[i] = {
      startMs,
      seconds,
      energyWh,
      amountMinor,
      tariffVersionId: version,
      currency,
      priceSource: source,
    };
  }
  if (r.at !== bytes.length) {
    throw new ChargeDayError(`packed charges: ${bytes.length - r.at} bytes after ${count} charges`);
  }
  return out;
}

class Reader {
  private readonly scratch = SCRATCH;

  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  byte(): number {
    const b = this.bytes[this.at++];
    if (b === undefined) throw new ChargeDayError('packed charges: truncated');
    return b;
  }

  uvarint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new ChargeDayError('packed charges: varint too long');
    }
  }

  skip(n: number): void {
    if (this.at + n > this.bytes.length) throw new ChargeDayError('packed charges: truncated');
    this.at += n;
  }

  amount(n: number): bigint {
    if (n > 8) throw new ChargeDayError(`packed charges: amount of ${n} bytes`);
    if (n === 0) return 0n;
    for (let i = 0; i < n; i += 1) this.scratch.setUint8(i, this.byte());
    const fill = this.scratch.getUint8(n - 1) & 0x80 ? 0xff : 0;
    for (let i = n; i < 8; i += 1) this.scratch.setUint8(i, fill);
    return this.scratch.getBigInt64(0, true);
  }
}

/**
 * Number of charges in a packed day, from its header alone.
 * Example: the 26-byte example of encodeChargeDay → 1.
 */
export function chargeDayCount(bytes: Uint8Array): number {
  if (bytes.length < HEADER_BYTES || bytes[0] !== CHARGE_DAY_FORMAT) {
    throw new ChargeDayError(`packed charges: no format ${CHARGE_DAY_FORMAT} header`);
  }
  return bytes[4]! + bytes[5]! * 256;
}

function readHeader(bytes: Uint8Array): { texts: string[]; end: number; count: number } {
  if (bytes.length < HEADER_BYTES || bytes[0] !== CHARGE_DAY_FORMAT) {
    throw new ChargeDayError(`packed charges: no format ${CHARGE_DAY_FORMAT} header`);
  }
  const strings = readStrings(bytes, bytes[2]! + bytes[3]! * 256);
  return { ...strings, count: bytes[4]! + bytes[5]! * 256 };
}

function readStrings(bytes: Uint8Array, n: number): { texts: string[]; end: number } {
  const texts: string[] = [];
  let at = HEADER_BYTES;
  for (let s = 0; s < n; s += 1) {
    const length = bytes[at];
    if (length === undefined || at + 1 + length > bytes.length) {
      throw new ChargeDayError(`packed charges: string ${s} runs past the end`);
    }
    texts.push(String.fromCharCode(...bytes.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  return { texts, end: at };
}

function checkAscii(text: string, field: string): void {
  const ok = text.length >= 1 && text.length <= 255 && /^[\x21-\x7e]+$/.test(text);
  if (!ok) throw new ChargeDayError(`${field} '${text}': need 1-255 printable ASCII chars`);
}

function byStartThenVersion(a: PackedCharge, b: PackedCharge): number {
  if (a.startMs !== b.startMs) return a.startMs - b.startMs;
  if (a.tariffVersionId === b.tariffVersionId) return 0;
  return a.tariffVersionId < b.tariffVersionId ? -1 : 1;
}

/**
 * Adds charges to a day's stored charges, once per (start, tariff version): a key already
 * stored (or earlier in `incoming`) is skipped, whatever its amount. Returns the merged day
 * (sorted by start, then version) and the charges added now, in input order.
 * Example: stored [(T, tv-1, 8)], incoming [(T, tv-1, 9), (T+900000, tv-1, 5)] →
 *   { charges: [(T, tv-1, 8), (T+900000, tv-1, 5)], fresh: [(T+900000, tv-1, 5)] }.
 */
export function mergeChargeDay(
  stored: readonly PackedCharge[],
  incoming: readonly PackedCharge[],
): { charges: PackedCharge[]; fresh: PackedCharge[] } {
  if (appendsInOrder(stored, incoming)) {
    const charges = [...stored, ...incoming];
    return {
      charges: isSorted(charges) ? charges : charges.sort(byStartThenVersion),
      fresh: [...incoming],
    };
  }
  const seen = new Map<string, Set<number>>();
  for (const c of stored) firstTime(seen, c);
  const fresh: PackedCharge[] = [];
  for (const c of incoming) if (firstTime(seen, c)) fresh.push(c);
  const charges = [...stored, ...fresh];
  return { charges: isSorted(charges) ? charges : charges.sort(byStartThenVersion), fresh };
}

/**
 * The common case, checked without hashing: incoming starts strictly increase and all come
 * after the latest stored start (time-ordered arrival), so no key repeats. `stored` may hold
 * several accounts' rows one after the other, so its latest start is searched, not assumed last.
 */
function appendsInOrder(stored: readonly PackedCharge[], incoming: readonly PackedCharge[]) {
  let lastMs = -1;
  for (const c of stored) if (c.startMs > lastMs) lastMs = c.startMs;
  for (const c of incoming) {
    if (c.startMs <= lastMs) return false;
    lastMs = c.startMs;
  }
  return true;
}

function firstTime(seen: Map<string, Set<number>>, c: PackedCharge): boolean {
  let starts = seen.get(c.tariffVersionId);
  if (!starts) {
    starts = new Set();
    seen.set(c.tariffVersionId, starts);
  }
  if (starts.has(c.startMs)) return false;
  starts.add(c.startMs);
  return true;
}
