/**
 * The packed form of an interval block's columns: what the gateway sends (base64 in the
 * body's `packed` field) instead of JSON arrays of numbers. JSON.parse of ~9,000 numbers and
 * ~3,000 money strings per 1,000-meter block cost central more than storing them; the packed
 * bytes decode in one loop, hash as they are and are about 4× smaller.
 *
 * Layout (all varints LEB128, low group first):
 *   u8 format (1) · uvarint intervals · uvarint reads · uvarint balances ·
 *   interval rows: Δmeter · Δstart ms · Δseconds · Wh · quality (uvarint) · Δaccount ·
 *     Δtariff version · amount minor · price source ·
 *   read rows: Δmeter · register (uvarint) · Δcaptured ms · Wh · quality (uvarint) ·
 *   balance rows: Δaccount · amount minor · balance after minor.
 * Δ is the difference to the same column of the previous row (the first row: to 0). Signed
 * numbers are sign-magnitude varints: the first byte holds the sign in bit 0 and the low 6
 * bits of |v| in bits 1–6; further bytes hold the rest in 7-bit groups, so |v| up to 2^53
 * stays exact in a JS number (money up to 18 digits goes through bigint).
 * The encoding is canonical: a varint never ends in a zero byte after its first, no "−0",
 * nothing after the last row. Equal columns ⇔ equal bytes, so the bytes can be hashed.
 *
 * @example
 * packBlockColumns({ intervals: { meter: [0], startMs: [900_000], seconds: [900],
 *   energyWh: [412], quality: [0], account: [0], tariffVersion: [0], amountMinor: ['8'],
 *   priceSource: [0] }, reads: { meter: [], register: [], capturedAtMs: [], valueWh: [],
 *   quality: [] }, balances: { account: [0], amountMinor: ['-8'], balanceAfterMinor: ['992'] } })
 * // → bytes 01 01 00 01 · 00 c0 ee 6d 88 0e b8 06 00 00 00 10 00 · 00 11 c0 0f
 */
import { VarintWriter } from './varint-writer.js';

export const PACKED_FORMAT = 1;

/** A packed section is malformed: where (byte offset, section, row) and why. */
export class BlockPackingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockPackingError';
  }
}

/** Interval rows (see `intervalBlockBodySchema`). */
export interface IntervalColumns {
  meter: number[];
  startMs: number[];
  seconds: number[];
  energyWh: number[];
  quality: number[];
  account: number[];
  tariffVersion: number[];
  amountMinor: string[];
  priceSource: number[];
}

/** Cumulative register reads. */
export interface ReadColumns {
  meter: number[];
  register: number[];
  capturedAtMs: number[];
  valueWh: number[];
  quality: number[];
}

/** Per account: the block's net balance change and the balance after it. */
export interface BalanceColumns {
  account: number[];
  amountMinor: string[];
  balanceAfterMinor: string[];
}

/** The columns a packed block holds (the block's id tables stay JSON). */
export interface BlockColumns {
  intervals: IntervalColumns;
  reads: ReadColumns;
  balances: BalanceColumns;
}

const TWO_53 = 2 ** 53;

function packRangeError(v: number): never {
  throw new RangeError(`packBlockColumns: ${v} is not an integer within ±2^53 (check first)`);
}

/** A growing buffer with the layout's varint writers. */
class PackWriter extends VarintWriter {
  constructor() {
    super(4096);
  }

  /** Sign-magnitude varint of an integer with |v| ≤ 2^53. */
  svarint(v: number): void {
    if (!(v >= -TWO_53 && v <= TWO_53 && Math.floor(v) === v)) packRangeError(v);
    const negative = v < 0;
    const x = negative ? -v : v;
    const first = (x % 64) * 2 + (negative ? 1 : 0);
    const rest = Math.floor(x / 64);
    this.room(1);
    if (rest === 0) {
      this.buf[this.at++] = first;
      return;
    }
    this.buf[this.at++] = first | 0x80;
    this.uvarint(rest);
  }

  /** Money as decimal text (`isMoneyText`): the same varint, through bigint past 2^53. */
  money(text: string): void {
    if (text.length <= 15) {
      this.svarint(Number(text));
      return;
    }
    let x = BigInt(text);
    const negative = x < 0n;
    if (negative) x = -x;
    this.room(11);
    const first = Number(x % 64n) * 2 + (negative ? 1 : 0);
    x /= 64n;
    this.buf[this.at++] = x === 0n ? first : first | 0x80;
    while (x > 0n) {
      const group = Number(x % 128n);
      x /= 128n;
      this.buf[this.at++] = x === 0n ? group : group | 0x80;
    }
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}

/**
 * The packed bytes of a block's columns (which `checkBlockColumns` accepted: safe integers in
 * range, money as decimal text) and where the read rows start. Deterministic: the same
 * columns give the same bytes.
 */
export function packBlockColumns(c: BlockColumns): { packed: Uint8Array; readsAt: number } {
  const w = new PackWriter();
  const iv = c.intervals;
  const rd = c.reads;
  const bl = c.balances;
  w.uvarint(PACKED_FORMAT);
  w.uvarint(iv.meter.length);
  w.uvarint(rd.meter.length);
  w.uvarint(bl.account.length);
  let meter = 0;
  let start = 0;
  let seconds = 0;
  let account = 0;
  let version = 0;
  for (let i = 0; i < iv.meter.length; i += 1) {
    w.svarint(iv.meter[i]! - meter);
    w.svarint(iv.startMs[i]! - start);
    w.svarint(iv.seconds[i]! - seconds);
    w.svarint(iv.energyWh[i]!);
    w.uvarint(iv.quality[i]!);
    w.svarint(iv.account[i]! - account);
    w.svarint(iv.tariffVersion[i]! - version);
    w.money(iv.amountMinor[i]!);
    w.svarint(iv.priceSource[i]!);
    meter = iv.meter[i]!;
    start = iv.startMs[i]!;
    seconds = iv.seconds[i]!;
    account = iv.account[i]!;
    version = iv.tariffVersion[i]!;
  }
  const readsAt = w.at;
  packReads(w, rd);
  packBalances(w, bl);
  return { packed: w.bytes(), readsAt };
}

function packReads(w: PackWriter, rd: ReadColumns): void {
  let meter = 0;
  let captured = 0;
  for (let i = 0; i < rd.meter.length; i += 1) {
    w.svarint(rd.meter[i]! - meter);
    w.uvarint(rd.register[i]!);
    w.svarint(rd.capturedAtMs[i]! - captured);
    w.svarint(rd.valueWh[i]!);
    w.uvarint(rd.quality[i]!);
    meter = rd.meter[i]!;
    captured = rd.capturedAtMs[i]!;
  }
}

function packBalances(w: PackWriter, bl: BalanceColumns): void {
  let account = 0;
  for (let i = 0; i < bl.account.length; i += 1) {
    w.svarint(bl.account[i]! - account);
    w.money(bl.amountMinor[i]!);
    w.money(bl.balanceAfterMinor[i]!);
    account = bl.account[i]!;
  }
}

/** Reads the layout's varints; every error names the byte offset and the current field. */
class PackReader {
  at = 0;
  field = 'header';
  /** The row being read (−1: none). */
  row = -1;

  constructor(private readonly buf: Uint8Array) {}

  fail(why: string): never {
    const where = this.row < 0 ? this.field : `${this.field} row ${this.row}`;
    throw new BlockPackingError(`packed byte ${this.at} (${where}): ${why}`);
  }

  private byte(): number {
    const b = this.buf[this.at];
    if (b === undefined) this.fail('the bytes end inside a value');
    this.at += 1;
    return b;
  }

  /** The rest of a varint after its first byte: 7-bit groups from `scale`, canonical. */
  private groups(value: number, scale: number): number {
    let v = value;
    let s = scale;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * s;
      if (b < 0x80) {
        if (b === 0) this.fail('a varint ends in a zero byte (not the shortest form)');
        if (v > TWO_53) this.fail('a value beyond 2^53');
        return v;
      }
      s *= 0x80;
      if (s > TWO_53) this.fail('a varint longer than 2^53 allows');
    }
  }

  /** `v` when it is a safe integer (a column value after adding its delta), else fails. */
  safe(v: number): number {
    if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) {
      this.fail('a value beyond ±(2^53 − 1) after adding its delta');
    }
    return v;
  }

  uvarint(): number {
    const b = this.byte();
    return b < 0x80 ? b : this.groups(b & 0x7f, 0x80);
  }

  svarint(): number {
    const b = this.byte();
    const magnitude = b < 0x80 ? (b & 0x7f) >> 1 : this.groups((b & 0x7f) >> 1, 64);
    if ((b & 1) === 0) return magnitude;
    if (magnitude === 0) this.fail('"−0" is not the shortest form of 0');
    return -magnitude;
  }

  /** A money varint as decimal text (bigint past 2^53). */
  money(): string {
    const from = this.at;
    const b = this.buf[from];
    if (b !== undefined && b < 0x80) return String(this.svarint());
    let end = from;
    while ((this.buf[end] ?? 0) >= 0x80) end += 1;
    if (end - from < 7) return String(this.svarint());
    return this.bigMoney(from);
  }

  private bigMoney(from: number): string {
    const first = this.byte();
    let x = BigInt((first & 0x7f) >> 1);
    let scale = 64n;
    let b = first;
    while (b >= 0x80) {
      b = this.byte();
      x += BigInt(b & 0x7f) * scale;
      scale *= 128n;
    }
    if (b === 0) this.fail('a varint ends in a zero byte (not the shortest form)');
    if (x >= 10n ** 18n) this.fail(`money beyond 18 digits (from byte ${from})`);
    return ((first & 1) === 1 ? -x : x).toString();
  }

  end(): void {
    if (this.at !== this.buf.length) {
      this.fail(`${this.buf.length - this.at} bytes after the last row`);
    }
  }
}

/** At most this many rows per section (a block holds ≤ 5,000 of each). */
const MAX_ROWS = 5000;

/**
 * Inverse of `packBlockColumns`. Throws `BlockPackingError` naming the byte, section, row and
 * field on truncated, non-canonical or oversized input. `readsAt` is the byte offset where
 * the read rows start (central keeps the reads and balances from there as they came).
 * @example
 * unpackBlockColumns(packBlockColumns(columns).packed) // → { ...columns, readsAt: 17 }
 */
export function unpackBlockColumns(bytes: Uint8Array): BlockColumns & { readsAt: number } {
  const r = new PackReader(bytes);
  const format = r.uvarint();
  if (format !== PACKED_FORMAT) r.fail(`format ${format}, this central reads ${PACKED_FORMAT}`);
  const n = rowCount(r, 'intervals');
  const reads = rowCount(r, 'reads');
  const balances = rowCount(r, 'balances');
  const intervals = unpackIntervals(r, n);
  const readsAt = r.at;
  const rd = unpackReads(r, reads);
  const bl = unpackBalances(r, balances);
  r.field = 'end';
  r.row = -1;
  r.end();
  return { intervals, reads: rd, balances: bl, readsAt };
}

/** The read and balance rows alone (`readsAt` onwards), e.g. from `edge_facts`. */
export function unpackReadsAndBalances(
  bytes: Uint8Array,
  reads: number,
  balances: number,
): { reads: ReadColumns; balances: BalanceColumns } {
  const r = new PackReader(bytes);
  const out = { reads: unpackReads(r, reads), balances: unpackBalances(r, balances) };
  r.field = 'end';
  r.row = -1;
  r.end();
  return out;
}

function rowCount(r: PackReader, section: string): number {
  r.field = `${section} count`;
  r.row = -1;
  const n = r.uvarint();
  if (n > MAX_ROWS) r.fail(`${n} ${section}, at most ${MAX_ROWS} per block`);
  return n;
}

/** A column of n values to fill by index (one allocation, no growth). */
function column<T>(n: number): T[] {
  return new Array<T>(n);
}

function unpackIntervals(r: PackReader, n: number): IntervalColumns {
  const c: IntervalColumns = {
    meter: column(n),
    startMs: column(n),
    seconds: column(n),
    energyWh: column(n),
    quality: column(n),
    account: column(n),
    tariffVersion: column(n),
    amountMinor: column(n),
    priceSource: column(n),
  };
  let meter = 0;
  let start = 0;
  let seconds = 0;
  let account = 0;
  let version = 0;
  r.field = 'intervals';
  for (let i = 0; i < n; i += 1) {
    r.row = i;
    meter = r.safe(meter + r.svarint());
    start = r.safe(start + r.svarint());
    seconds = r.safe(seconds + r.svarint());
    c.meter[i] = meter;
    c.startMs[i] = start;
    c.seconds[i] = seconds;
    c.energyWh[i] = r.svarint();
    c.quality[i] = r.uvarint();
    account = r.safe(account + r.svarint());
    version = r.safe(version + r.svarint());
    c.account[i] = account;
    c.tariffVersion[i] = version;
    c.amountMinor[i] = r.money();
    c.priceSource[i] = r.svarint();
  }
  return c;
}

function unpackReads(r: PackReader, n: number): ReadColumns {
  const c: ReadColumns = {
    meter: column(n),
    register: column(n),
    capturedAtMs: column(n),
    valueWh: column(n),
    quality: column(n),
  };
  let meter = 0;
  let captured = 0;
  r.field = 'reads';
  for (let i = 0; i < n; i += 1) {
    r.row = i;
    meter = r.safe(meter + r.svarint());
    c.meter[i] = meter;
    c.register[i] = r.uvarint();
    captured = r.safe(captured + r.svarint());
    c.capturedAtMs[i] = captured;
    c.valueWh[i] = r.svarint();
    c.quality[i] = r.uvarint();
  }
  return c;
}

function unpackBalances(r: PackReader, n: number): BalanceColumns {
  const c: BalanceColumns = {
    account: column(n),
    amountMinor: column(n),
    balanceAfterMinor: column(n),
  };
  let account = 0;
  r.field = 'balances';
  for (let i = 0; i < n; i += 1) {
    r.row = i;
    account = r.safe(account + r.svarint());
    c.account[i] = account;
    c.amountMinor[i] = r.money();
    c.balanceAfterMinor[i] = r.money();
  }
  return c;
}
