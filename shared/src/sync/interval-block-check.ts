/** One problem in a block: the exact path (column and row) and why. */
export interface BlockIssue {
  path: (string | number)[];
  message: string;
}

/** The parts of a block body the column check reads (tables parsed by zod already). */
export interface BlockColumnsInput {
  /** Id tables: arrays, their elements checked here (`isObjectId`). */
  meterIds: readonly unknown[];
  accountIds: readonly unknown[];
  tariffVersionIds: readonly unknown[];
  registers: readonly string[];
  intervals: Record<string, readonly unknown[]>;
  reads: Record<string, readonly unknown[]>;
  balances: { account: readonly unknown[]; amountMinor: readonly unknown[] } & Record<
    string,
    readonly unknown[]
  >;
}

/** At most this many issues are reported (a garbage block must not cost a huge answer). */
const MAX_ISSUES = 20;
const MAX_EPOCH_MS = 8.64e15;
/** What `isMoneyText` accepts (kept as the reference its test compares with). */
export const MONEY_TEXT = /^-?(0|[1-9][0-9]{0,17})$/;

/** What a packed interval day stores per slot (`interval-pack`): an int32 of Wh. */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** The 'missing' quality bit: the store's mark for a slot without a value, never sent. */
const MISSING_BIT = 1;

/**
 * A column rule as data (the hot loop in `firstBad` switches once per column, not per value):
 * safe integers in min..max (both within ±2^53 − 1, so an in-range integer is safe), flag
 * bytes without a refused bit, one of a set of numbers, or money as decimal text.
 */
type Rule =
  | { kind: 'int'; min: number; max: number; what: string }
  | { kind: 'bits'; refused: number; refusedName: string; what: string }
  | { kind: 'oneOf'; allowed: readonly number[]; what: string }
  | { kind: 'money'; what: string };

const int = (min: number, max: number, what: string): Rule => ({ kind: 'int', min, max, what });

/**
 * Checks the columns of an `interval-block` in one linear pass: equal lengths, integers in
 * range, table indexes that exist, aligned interval starts, rated and unrated rows
 * consistent, no (meter, start) twice. Returns [] when the block is good.
 *
 * @example
 * checkBlockColumns({ ...block, intervals: { ...cols, energyWh: [1.5] } }, [900])
 * // → [{ path: ['intervals', 'energyWh', 0],
 * //      message: 'row 0: energyWh must be a safe integer, got 1.5' }]
 */
export function checkBlockColumns(
  body: BlockColumnsInput,
  allowedSeconds: readonly number[],
): BlockIssue[] {
  const issues: BlockIssue[] = [];
  checkIds(body.meterIds, 'meterIds', issues);
  checkIds(body.accountIds, 'accountIds', issues);
  checkIds(body.tariffVersionIds, 'tariffVersionIds', issues);
  if (issues.length > 0) return issues;
  const iv = body.intervals;
  const n = lengthOf(iv, 'intervals', 'meter', issues);
  const reads = lengthOf(body.reads, 'reads', 'meter', issues);
  const accounts = lengthOf(body.balances, 'balances', 'account', issues);
  if (issues.length > 0) return issues;
  if (n + reads === 0) {
    issues.push({ path: ['intervals'], message: 'a block needs at least one interval or read' });
    return issues;
  }
  const col = (section: 'intervals' | 'reads' | 'balances', field: string, rule: Rule) =>
    checkColumn(body[section][field] ?? [], [section, field], rule, issues);
  const meterIndex = int(0, body.meterIds.length - 1, 'meter index');
  col('intervals', 'meter', meterIndex);
  col('intervals', 'startMs', int(0, MAX_EPOCH_MS, 'startMs'));
  col('intervals', 'seconds', oneOf(allowedSeconds, 'seconds'));
  col('intervals', 'energyWh', int(INT32_MIN, INT32_MAX, 'energyWh'));
  col('intervals', 'quality', {
    kind: 'bits',
    refused: MISSING_BIT,
    refusedName: 'missing',
    what: 'quality',
  });
  col('intervals', 'account', int(-1, body.accountIds.length - 1, 'account index'));
  col('intervals', 'tariffVersion', int(-1, body.tariffVersionIds.length - 1, 'tariff version'));
  col('intervals', 'priceSource', int(-1, 1, 'priceSource'));
  col('intervals', 'amountMinor', moneyText('amountMinor'));
  col('reads', 'meter', meterIndex);
  col('reads', 'register', int(0, body.registers.length - 1, 'register index'));
  col('reads', 'capturedAtMs', int(0, MAX_EPOCH_MS, 'capturedAtMs'));
  col('reads', 'valueWh', int(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'valueWh'));
  col('reads', 'quality', int(0, 255, 'quality'));
  col('balances', 'account', int(0, body.accountIds.length - 1, 'account index'));
  col('balances', 'amountMinor', moneyText('amountMinor'));
  col('balances', 'balanceAfterMinor', moneyText('balanceAfterMinor'));
  if (issues.length === 0) checkRows(body, n, issues);
  if (issues.length === 0) {
    const account = body.balances.account as number[];
    checkUniqueAccounts(account, accounts, body.accountIds.length, issues);
  }
  return issues.slice(0, MAX_ISSUES);
}

function lengthOf(
  section: Record<string, readonly unknown[]>,
  name: string,
  first: string,
  issues: BlockIssue[],
): number {
  const n = section[first]?.length ?? 0;
  for (const [field, column] of Object.entries(section)) {
    if (column.length !== n) {
      const message = `${name}.${field} has ${column.length} rows, ${name}.${first} has ${n}`;
      issues.push({ path: [name, field], message });
    }
  }
  return n;
}

function checkColumn(
  column: readonly unknown[],
  path: string[],
  rule: Rule,
  issues: BlockIssue[],
): void {
  const row = firstBad(column, rule);
  if (row >= 0)
    issues.push({ path: [...path, row], message: `row ${row}: ${why(rule, column[row])}` });
}

/** Index of the first value the rule refuses, or −1. */
function firstBad(column: readonly unknown[], rule: Rule): number {
  const n = column.length;
  if (rule.kind === 'int') {
    const { min, max } = rule;
    for (let i = 0; i < n; i += 1) {
      const v = column[i];
      if (!(typeof v === 'number' && v >= min && v <= max && Math.floor(v) === v)) return i;
    }
  } else if (rule.kind === 'bits') {
    for (let i = 0; i < n; i += 1) {
      const v = column[i];
      const byte = typeof v === 'number' && v >= 0 && v <= 255 && Math.floor(v) === v;
      if (!byte || (v & rule.refused) !== 0) return i;
    }
  } else if (rule.kind === 'oneOf') {
    for (let i = 0; i < n; i += 1) {
      const v = column[i];
      if (!(typeof v === 'number' && rule.allowed.includes(v))) return i;
    }
  } else {
    for (let i = 0; i < n; i += 1) if (!isMoneyText(column[i])) return i;
  }
  return -1;
}

/** Why a value broke its rule, e.g. 'quality must be in 0..255, got 256'. */
function why(rule: Rule, v: unknown): string {
  const { what } = rule;
  if (rule.kind === 'oneOf') return `${what} must be one of ${rule.allowed.join(', ')}, got ${v}`;
  if (rule.kind === 'bits') {
    return `${what} must be flag bits in 0..255 without '${rule.refusedName}', got ${String(v)}`;
  }
  if (rule.kind === 'money') {
    return `${what} must be integer minor units as a decimal string, got ${JSON.stringify(v)}`;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    return `${what} must be a safe integer, got ${String(v)}`;
  }
  return `${what} must be in ${rule.min}..${rule.max}, got ${v}`;
}

function oneOf(allowed: readonly number[], what: string): Rule {
  return { kind: 'oneOf', allowed, what };
}

function moneyText(what: string): Rule {
  return { kind: 'money', what };
}

/**
 * `MONEY_TEXT` (an optional minus, then 0 or 1–18 digits without a leading zero) by char
 * codes: a regex test per value cost more than the rest of a row's check.
 * Example: isMoneyText('-120') → true; isMoneyText('012') → false; isMoneyText(12) → false.
 */
export function isMoneyText(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const start = v.charCodeAt(0) === 45 ? 1 : 0;
  const digits = v.length - start;
  if (digits < 1 || digits > 18) return false;
  if (v.charCodeAt(start) === 48) return digits === 1;
  for (let i = start; i < v.length; i += 1) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * `objectIdSchema` by char codes: 1–128 printable ASCII characters (0x21–0x7e).
 * Example: isObjectId('m-1') → true; isObjectId('m 1') → false.
 */
export function isObjectId(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 1 || v.length > 128) return false;
  for (let i = 0; i < v.length; i += 1) {
    const c = v.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** The first bad id of a table (meterIds, accountIds, tariffVersionIds), if any. */
function checkIds(ids: readonly unknown[], table: string, issues: BlockIssue[]): void {
  for (let i = 0; i < ids.length; i += 1) {
    if (isObjectId(ids[i])) continue;
    const message = `id: 1-128 printable chars, got ${JSON.stringify(ids[i])}`;
    issues.push({ path: [table, i], message });
    return;
  }
}

/**
 * Row-level rules: one typed-array pass that accepts the common block (aligned starts, rated
 * rows consistent, each meter's starts increasing, so no (meter, start) twice); anything else
 * takes `explainRows`, which names each problem (and passes a block that was merely unordered).
 */
function checkRows(body: BlockColumnsInput, n: number, issues: BlockIssue[]): void {
  if (!rowsInOrder(body, n)) explainRows(body, n, issues);
}

function rowsInOrder(body: BlockColumnsInput, n: number): boolean {
  const c = body.intervals as Record<string, number[]> & { amountMinor: string[] };
  const { meter, startMs, seconds, account, tariffVersion, priceSource, amountMinor } = c;
  const lastStart = new Float64Array(body.meterIds.length).fill(-1);
  for (let row = 0; row < n; row += 1) {
    const start = startMs![row]!;
    if (start % (seconds![row]! * 1000) !== 0) return false;
    const rated = account![row]! >= 0;
    if (rated !== tariffVersion![row]! >= 0 || rated !== priceSource![row]! >= 0) return false;
    if (!rated && amountMinor[row] !== '0') return false;
    const m = meter![row]!;
    if (start <= lastStart[m]!) return false;
    lastStart[m] = start;
  }
  return true;
}

/** Row-level rules, each problem named: alignment, rated/unrated, no (meter, start) twice. */
function explainRows(body: BlockColumnsInput, n: number, issues: BlockIssue[]): void {
  const c = body.intervals as Record<string, number[]> & { amountMinor: string[] };
  const { meter, startMs, seconds, account, tariffVersion, priceSource } = c;
  const metersAt = new Map<number, Set<number>>();
  for (let row = 0; row < n && issues.length < MAX_ISSUES; row += 1) {
    const start = startMs![row]!;
    if (start % (seconds![row]! * 1000) !== 0) {
      const why = `startMs ${start} is not aligned to ${seconds![row]} s intervals`;
      rowIssue(issues, 'startMs', row, why);
    }
    const rated = account![row]! >= 0;
    if (rated !== tariffVersion![row]! >= 0 || rated !== priceSource![row]! >= 0) {
      const why = 'account, tariffVersion and priceSource must all be set or all be -1';
      rowIssue(issues, 'account', row, why);
    } else if (!rated && c.amountMinor[row] !== '0') {
      const why = `an unrated row must have amountMinor "0", got "${c.amountMinor[row]}"`;
      rowIssue(issues, 'amountMinor', row, why);
    }
    const m = meter![row]!;
    let meters = metersAt.get(start);
    if (!meters) {
      meters = new Set();
      metersAt.set(start, meters);
    }
    if (meters.has(m))
      rowIssue(issues, 'startMs', row, `meter index ${m} has start ${start} twice`);
    meters.add(m);
  }
}

function rowIssue(issues: BlockIssue[], field: string, row: number, message: string): void {
  issues.push({ path: ['intervals', field, row], message: `row ${row}: ${message}` });
}

function checkUniqueAccounts(
  account: number[],
  n: number,
  tableSize: number,
  issues: BlockIssue[],
): void {
  const seen = new Uint8Array(tableSize);
  for (let row = 0; row < n; row += 1) {
    const a = account[row]!;
    if (seen[a] === 1) {
      const message = `row ${row}: account index ${a} appears twice`;
      issues.push({ path: ['balances', 'account', row], message });
      return;
    }
    seen[a] = 1;
  }
}
