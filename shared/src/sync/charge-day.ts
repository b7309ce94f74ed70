/**
 * Packed edge charges of one meter × account × UTC day (central's `edge_charge_days` row): a
 * binary layout instead of one row per interval. Pure: bytes in, bytes out.
 */

export const CHARGE_DAY_FORMAT = 1;
export const CHARGE_DAY_MS = 86_400_000;
const HEADER_BYTES = 8;
const ENTRY_BYTES = 32;
const MAX_COUNT = 65_535;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_32 = 4_294_967_296;
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
 * Dedup key inside a day: the same (interval start, tariff version) is the same charge id,
 * `chargeId(meter, start, version)`. Example: (900000, 'tv-1') → '900000|tv-1'.
 */
export function chargeKey(startMs: number, tariffVersionId: string): string {
  return `${startMs}|${tariffVersionId}`;
}

/**
 * Packs a day's charges, sorted by (start, tariff version): u8 format (1) · u8 0 ·
 * u16 strings · u16 count · u16 0 · strings (u8 length + ASCII; versions and currencies) ·
 * count × 32-byte entries (u32 start offset ms in the day · u32 seconds · i64 Wh · i64 amount
 * minor · u16 version string · u16 currency string · u8 price source · 3 × 0), little-endian.
 * Example: day 0, [{ startMs: 900000, seconds: 900, energyWh: 412, amountMinor: 8n,
 *   tariffVersionId: 'tv', currency: 'KES', priceSource: 'tariff' }] →
 *   01 00 02 00 01 00 00 00 · 02 74 76 · 03 4b 45 53 ·
 *   a0 bb 0d 00 84 03 00 00 9c 01 00 00 00 00 00 00 ·
 *   08 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 (47 bytes)
 */
export function encodeChargeDay(dayStartMs: number, charges: readonly PackedCharge[]): Uint8Array {
  if (charges.length > MAX_COUNT) {
    throw new ChargeDayError(`cannot pack ${charges.length} charges in one day (max ${MAX_COUNT})`);
  }
  const sorted = [...charges].sort(byStartThenVersion);
  const strings = new Map<string, number>();
  let stringBytes = 0;
  const indexOf = (text: string, field: string) => {
    let index = strings.get(text);
    if (index === undefined) {
      checkAscii(text, field);
      index = strings.size;
      strings.set(text, index);
      stringBytes += 1 + text.length;
    }
    return index;
  };
  const refs = sorted.map(
    (c) => [indexOf(c.tariffVersionId, 'tariff version'), indexOf(c.currency, 'currency')] as const,
  );
  const entriesAt = HEADER_BYTES + stringBytes;
  const bytes = new Uint8Array(entriesAt + sorted.length * ENTRY_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, CHARGE_DAY_FORMAT);
  view.setUint16(2, strings.size, true);
  view.setUint16(4, sorted.length, true);
  let at = HEADER_BYTES;
  for (const text of strings.keys()) {
    bytes[at] = text.length;
    for (let i = 0; i < text.length; i += 1) bytes[at + 1 + i] = text.charCodeAt(i);
    at += 1 + text.length;
  }
  for (let i = 0; i < sorted.length; i += 1) {
    const [version, currency] = refs[i]!;
    writeEntry(view, entriesAt + i * ENTRY_BYTES, dayStartMs, sorted[i]!, version, currency);
  }
  return bytes;
}

function writeEntry(
  view: DataView,
  at: number,
  dayStartMs: number,
  c: PackedCharge,
  version: number,
  currency: number,
): void {
  const offsetMs = c.startMs - dayStartMs;
  const where = `charge at ${c.startMs} (${c.tariffVersionId})`;
  if (!Number.isSafeInteger(offsetMs) || offsetMs < 0 || offsetMs >= CHARGE_DAY_MS) {
    throw new ChargeDayError(`${where}: start is not in the day starting ${dayStartMs}`);
  }
  if (!Number.isInteger(c.seconds) || c.seconds <= 0 || c.seconds >= TWO_32) {
    throw new ChargeDayError(`${where}: seconds ${c.seconds} is not a positive 32-bit integer`);
  }
  if (!Number.isSafeInteger(c.energyWh)) {
    throw new ChargeDayError(`${where}: energyWh ${c.energyWh} is not a safe integer`);
  }
  if (c.amountMinor < INT64_MIN || c.amountMinor > INT64_MAX) {
    throw new ChargeDayError(`${where}: amountMinor ${c.amountMinor} does not fit in 64 bits`);
  }
  const source = PRICE_SOURCES.indexOf(c.priceSource);
  if (source < 0) throw new ChargeDayError(`${where}: unknown price source '${c.priceSource}'`);
  const high = Math.floor(c.energyWh / TWO_32);
  view.setUint32(at, offsetMs, true);
  view.setUint32(at + 4, c.seconds, true);
  view.setUint32(at + 8, c.energyWh - high * TWO_32, true);
  view.setInt32(at + 12, high, true);
  view.setBigInt64(at + 16, c.amountMinor, true);
  view.setUint16(at + 24, version, true);
  view.setUint16(at + 26, currency, true);
  view.setUint8(at + 28, source);
}

/** Inverse of encodeChargeDay; throws ChargeDayError on a wrong format, length or index. */
export function decodeChargeDay(dayStartMs: number, bytes: Uint8Array): PackedCharge[] {
  if (bytes.length < HEADER_BYTES) {
    throw new ChargeDayError(`packed charges too short: ${bytes.length} bytes, header needs 8`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== CHARGE_DAY_FORMAT) {
    throw new ChargeDayError(`packed charges format ${view.getUint8(0)} is not 1`);
  }
  const strings = readStrings(bytes, view.getUint16(2, true));
  const count = view.getUint16(4, true);
  const entriesAt = strings.end;
  if (bytes.length !== entriesAt + count * ENTRY_BYTES) {
    const want = entriesAt + count * ENTRY_BYTES;
    throw new ChargeDayError(`packed charges of ${count} must be ${want} bytes, got ${bytes.length}`);
  }
  const out: PackedCharge[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    const at = entriesAt + i * ENTRY_BYTES;
    const version = strings.texts[view.getUint16(at + 24, true)];
    const currency = strings.texts[view.getUint16(at + 26, true)];
    const source = PRICE_SOURCES[view.getUint8(at + 28)];
    if (version === undefined || currency === undefined || source === undefined) {
      throw new ChargeDayError(`packed charge ${i}: string or price source index out of range`);
    }
    out[i] = {
      startMs: dayStartMs + view.getUint32(at, true),
      seconds: view.getUint32(at + 4, true),
      energyWh: view.getInt32(at + 12, true) * TWO_32 + view.getUint32(at + 8, true),
      amountMinor: view.getBigInt64(at + 16, true),
      tariffVersionId: version,
      currency,
      priceSource: source,
    };
  }
  return out;
}

/**
 * Number of charges in a packed day, from its header alone.
 * Example: the 47-byte example of encodeChargeDay → 1.
 */
export function chargeDayCount(bytes: Uint8Array): number {
  if (bytes.length < HEADER_BYTES || bytes[0] !== CHARGE_DAY_FORMAT) {
    throw new ChargeDayError(`packed charges: no format ${CHARGE_DAY_FORMAT} header`);
  }
  return bytes[4]! + bytes[5]! * 256;
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
  const keys = new Set<string>();
  for (const c of stored) keys.add(chargeKey(c.startMs, c.tariffVersionId));
  const fresh: PackedCharge[] = [];
  for (const c of incoming) {
    const key = chargeKey(c.startMs, c.tariffVersionId);
    if (keys.has(key)) continue;
    keys.add(key);
    fresh.push(c);
  }
  const charges = fresh.length === 0 ? [...stored] : [...stored, ...fresh].sort(byStartThenVersion);
  return { charges, fresh };
}
