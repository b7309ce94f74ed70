/** One problem in a block: the exact path (column and row) and why. */
export interface BlockIssue {
  path: (string | number)[];
  message: string;
}

/** The parts of a block body the column check reads (tables parsed by zod already). */
export interface BlockColumnsInput {
  meterIds: readonly string[];
  accountIds: readonly string[];
  tariffVersionIds: readonly string[];
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
const MONEY_TEXT = /^-?(0|[1-9][0-9]{0,17})$/;

type Rule = (v: unknown, row: number) => string | null;

const int =
  (min: number, max: number, what: string): Rule =>
  (v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      return `${what} must be a safe integer, got ${String(v)}`;
    return v < min || v > max ? `${what} must be in ${min}..${max}, got ${v}` : null;
  };

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
  col('intervals', 'energyWh', int(-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'energyWh'));
  col('intervals', 'quality', int(0, 255, 'quality'));
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
  if (issues.length === 0) checkUniqueAccounts(body.balances.account as number[], accounts, issues);
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
  for (let row = 0; row < column.length; row += 1) {
    const why = rule(column[row], row);
    if (why !== null) {
      issues.push({ path: [...path, row], message: `row ${row}: ${why}` });
      return; // the first bad value per column
    }
  }
}

function oneOf(allowed: readonly number[], what: string): Rule {
  return (v) =>
    typeof v === 'number' && allowed.includes(v)
      ? null
      : `${what} must be one of ${allowed.join(', ')}, got ${String(v)}`;
}

function moneyText(what: string): Rule {
  return (v) =>
    typeof v === 'string' && MONEY_TEXT.test(v)
      ? null
      : `${what} must be integer minor units as a decimal string, got ${JSON.stringify(v)}`;
}

/** Row-level rules: alignment, rated/unrated consistency, no duplicate (meter, start). */
function checkRows(body: BlockColumnsInput, n: number, issues: BlockIssue[]): void {
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

function checkUniqueAccounts(account: number[], n: number, issues: BlockIssue[]): void {
  const seen = new Set<number>();
  for (let row = 0; row < n; row += 1) {
    const a = account[row]!;
    if (seen.has(a)) {
      const message = `row ${row}: account index ${a} appears twice`;
      issues.push({ path: ['balances', 'account', row], message });
      return;
    }
    seen.add(a);
  }
}
