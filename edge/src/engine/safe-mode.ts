import { integrityProblemOf } from '../store/open-store.js';
import { restoreBalances } from '../store/balance-replay.js';
import type { Engine } from './engine.js';
import { raiseAlarm } from './events.js';
import { readMeta, writeMeta } from '../store/meta.js';

/** Why the gateway is in safe mode (several causes can hold at once). */
export type SafeModeCause =
  | 'manual'
  | 'store-integrity'
  | 'clock-untrusted'
  | 'assertion'
  | 'disk-full';

/** Causes that end by themselves when their condition ends; the others need the operator. */
export const SELF_CLEARING: Readonly<Record<SafeModeCause, boolean>> = {
  manual: false,
  'store-integrity': false,
  'clock-untrusted': true,
  assertion: false,
  'disk-full': true,
};

export interface SafeModeEntry {
  cause: SafeModeCause;
  reason: string;
  sinceWallMs: number;
}

/** Thrown by rating or ledger code when an invariant does not hold: enters safe mode. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

/** True for SQLite's "database or disk is full" (and a raw ENOSPC). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

const META_KEY = 'safe_mode';
const UNTRUSTED_KEY = 'clock_untrusted_ms';
/** At most one disk probe per this much monotonic time while the disk is full. */
const PROBE_EVERY_MS = 5_000;

/**
 * The gateway's safe mode: an explicit state with its causes. While any cause holds, no
 * relay disconnects (credit logic holds them, the journal sends no open command, disconnect
 * orders are refused); readings are still collected. Entering and leaving raise alarms;
 * operator-only causes survive a restart (meta row). Disk full and an untrusted clock clear
 * by themselves; integrity and assertion failures need `leave()` by the operator.
 *
 * @example
 * engine.safe.enter('disk-full', 'SQLITE_FULL: database or disk is full')
 * engine.safeMode // → true; engine.safe.causes()[0].cause // → 'disk-full'
 */
export class SafeMode {
  private readonly active = new Map<SafeModeCause, SafeModeEntry>();
  private readonly unsentAlarms: Parameters<typeof raiseAlarm>[1][] = [];
  /** Untrusted clock time counted so far (all runs), and the last tick that counted it. */
  private untrustedForMs = 0;
  private lastUntrustedMonoMs: number | null = null;
  private lastProbeMonoMs = Number.NEGATIVE_INFINITY;
  /** Safe-mode episodes since start (none → some cause). */
  episodes = 0;
  /** Transactions the store refused (disk full) since start. */
  rejectedTransactions = 0;

  constructor(private readonly engine: Engine) {
    engine.afterCommit.push(() => this.afterCommit());
  }

  /**
   * At start: restores operator-only causes recorded before a restart and the untrusted clock
   * time counted so far, and enters safe mode when the store failed its integrity check.
   */
  restore(): void {
    const db = this.engine.deps.db;
    const row = readMeta(db, META_KEY);
    for (const e of row ? (JSON.parse(row) as SafeModeEntry[]) : []) this.active.set(e.cause, e);
    this.untrustedForMs = Number(readMeta(db, UNTRUSTED_KEY) ?? 0);
    if (this.active.size > 0) this.episodes = 1;
    this.sync();
    const problem = integrityProblemOf(this.engine.deps.db);
    if (problem) this.enter('store-integrity', `integrity_check at start: ${problem}`);
  }

  causes(): SafeModeEntry[] {
    return [...this.active.values()];
  }

  has(cause: SafeModeCause): boolean {
    return this.active.has(cause);
  }

  /** Enters safe mode for a cause (no-op when that cause already holds). */
  enter(cause: SafeModeCause, reason: string): void {
    if (this.active.has(cause)) return;
    if (this.active.size === 0) this.episodes += 1;
    const entry = { cause, reason: reason.slice(0, 300), sinceWallMs: this.engine.time().wallMs };
    this.active.set(cause, entry);
    this.sync();
    this.engine.deps.logger.error({ safeMode: entry }, `safe mode entered: ${cause}`);
    this.alarm('safe-mode-entered', 'critical', `${cause}: ${entry.reason}`, entry);
  }

  /** Leaves one cause, or every cause (`'all'`, the operator's command). */
  leave(cause: SafeModeCause | 'all', by: string): void {
    const gone = cause === 'all' ? this.causes() : this.causes().filter((e) => e.cause === cause);
    for (const e of gone) {
      this.active.delete(e.cause);
      this.engine.deps.logger.warn({ cause: e.cause, by }, `safe mode cause cleared: ${e.cause}`);
      this.alarm('safe-mode-left', 'info', `${e.cause} cleared (${by})`, e);
    }
    if (gone.length > 0) this.sync();
  }

  /** Called by `Engine.transact` when a transaction failed (it has rolled back). */
  noteFailure(err: unknown): void {
    try {
      if (isDiskFull(err)) {
        this.rejectedTransactions += 1;
        this.enter('disk-full', `store write refused: ${(err as Error).message}`);
      } else if (err instanceof InvariantError) this.enter('assertion', err.message);
    } catch (inner) {
      this.engine.deps.logger.error({ err: String(inner) }, 'safe mode bookkeeping failed');
    }
  }

  /**
   * Periodic checks (the gateway's policy tick): clock trust against the configured limit,
   * balances in memory against the store, and whether a full disk has space again.
   */
  tick(): void {
    this.checkClock();
    this.checkLedger();
    if (this.active.has('disk-full')) this.probeDisk();
    this.flushAlarms();
  }

  /**
   * Counts untrusted time on the monotonic clock between ticks, and keeps the count in meta,
   * so a gateway that restarts (power cuts often take the clock with them) still reaches the
   * limit: the running time of every run adds up, the time it was down does not.
   */
  private checkClock(): void {
    const limitS = this.engine.deps.config.relayPolicy.clockUntrustedSafeModeSeconds;
    const nowMono = this.engine.deps.clock.monoMs();
    if (this.engine.deps.clockTrusted()) {
      this.lastUntrustedMonoMs = null;
      if (this.untrustedForMs > 0) this.saveUntrusted(0);
      this.leave('clock-untrusted', 'clock trusted again');
      return;
    }
    if (this.lastUntrustedMonoMs !== null)
      this.saveUntrusted(this.untrustedForMs + (nowMono - this.lastUntrustedMonoMs));
    this.lastUntrustedMonoMs = nowMono;
    const forS = Math.floor(this.untrustedForMs / 1000);
    if (limitS > 0 && forS >= limitS)
      this.enter('clock-untrusted', `gateway clock untrusted for ${forS} s (limit ${limitS} s)`);
  }

  private saveUntrusted(ms: number): void {
    this.untrustedForMs = ms;
    writeMeta(this.engine.deps.db, UNTRUSTED_KEY, String(ms));
  }

  /**
   * Balance recomputation: every balance in memory must equal the committed one (its
   * checkpoint row moved on by the cycle records after it).
   */
  private checkLedger(): void {
    for (const [accountId, stored] of restoreBalances(this.engine.deps.db)) {
      const memory = this.engine.balances.get(accountId);
      if (memory === undefined || memory === stored.balanceMinor) continue;
      this.enter(
        'assertion',
        `balance of ${accountId}: ${memory} in memory, ${stored.balanceMinor} stored`,
      );
      return;
    }
  }

  /** Writes and removes a 16 KiB row: succeeds only when the store can grow again. */
  private probeDisk(): void {
    const db = this.engine.deps.db;
    try {
      db.prepare('INSERT OR REPLACE INTO safe_mode_probe VALUES (1, zeroblob(16384))').run();
      db.prepare('DELETE FROM safe_mode_probe').run();
      this.leave('disk-full', 'store writes succeed again');
    } catch (err) {
      if (!isDiskFull(err)) throw err;
    }
  }

  private afterCommit(): void {
    try {
      const now = this.engine.deps.clock.monoMs();
      if (this.active.has('disk-full') && now - this.lastProbeMonoMs >= PROBE_EVERY_MS) {
        this.lastProbeMonoMs = now;
        this.probeDisk();
      }
      if (this.unsentAlarms.length > 0) this.flushAlarms();
    } catch (err) {
      this.engine.deps.logger.error({ err: String(err) }, 'safe mode check after commit failed');
    }
  }

  private alarm(
    code: string,
    severity: 'critical' | 'info',
    message: string,
    entry: SafeModeEntry,
  ): void {
    this.unsentAlarms.push({
      code,
      severity,
      meterId: null,
      message: `safe mode ${message}`,
      key: [entry.cause, entry.sinceWallMs],
    });
    if (!this.engine.deps.db.inTransaction) this.flushAlarms();
  }

  /** Alarms go out in their own transaction; if the store refuses, they wait for the next. */
  private flushAlarms(): void {
    if (this.unsentAlarms.length === 0 || this.engine.deps.db.inTransaction) return;
    const batch = this.unsentAlarms.splice(0);
    try {
      this.engine.transact(() => {
        for (const a of batch) raiseAlarm(this.engine, a);
        this.persist();
      });
    } catch (err) {
      this.unsentAlarms.unshift(...batch);
      this.engine.deps.logger.error({ err: String(err) }, 'safe mode alarm not stored yet');
    }
  }

  /** Operator-only causes are kept in meta (written with the alarm transaction). */
  private persist(): void {
    const kept = this.causes().filter((e) => !SELF_CLEARING[e.cause]);
    writeMeta(this.engine.deps.db, META_KEY, JSON.stringify(kept));
  }

  private sync(): void {
    this.engine.safeMode = this.active.size > 0;
    this.engine.safeModeReason =
      this.active.size === 0
        ? null
        : this.causes()
            .map((e) => `${e.cause}: ${e.reason}`)
            .join('; ');
  }
}
