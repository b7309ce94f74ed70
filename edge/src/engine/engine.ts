import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '@gridbill/shared/clock';
import type { AlertLevel, RelayPolicyState } from '@gridbill/shared/relay';
import type { VeeLimits, VeeState } from '@gridbill/shared/vee';
import type { AccountConfig, GatewayConfig, MeterConfig } from '../config/index.js';
import { Outbox } from '../store/outbox.js';
import { discardCycle, flushCycle, Statements } from '../store/statements.js';
import { restoreBalances } from '../store/balance-replay.js';
import { CheckpointSchedule } from './checkpoint-schedule.js';
import type { ContentId } from './content-id.js';
import { MassCap } from './mass-cap.js';
import { MeterLog } from './meter-log.js';
import { restoreMeterStates } from './meter-replay.js';
import { SafeMode } from './safe-mode.js';
import type { IntervalRater, RateContext } from './rater.js';
import { restoreRatingStates } from './rating-replay.js';
import { RatingStates } from './rating-states.js';
import { TxMap } from './tx-map.js';

export interface EngineDeps {
  db: Database;
  config: GatewayConfig;
  clock: Clock;
  /** Whether the wall clock is synchronised (NTP/GPS) right now. */
  clockTrusted: () => boolean;
  contentId: ContentId;
  /** Random unique ids (relay command ids, alarm ids). */
  newId: () => string;
  rater: IntervalRater;
  logger: Logger;
}

export interface RelayRecord {
  policy: RelayPolicyState;
  alert: AlertLevel;
}

export interface MeterInfo {
  config: MeterConfig;
  limits: VeeLimits;
  /** Per tariff id: the rating state key and rater context (built once, not per interval). */
  rating: Map<string, { key: string; ctx: RateContext }>;
}

/**
 * The gateway's in-memory state (balances, VEE, relay, rating) mirrored from the store.
 * `transact` runs one database transaction and persists every changed entry with it; if the
 * transaction fails the in-memory changes are undone too.
 */
export class Engine {
  readonly outbox: Outbox;
  readonly stmts: Statements;
  readonly balances = new TxMap<string, bigint>();
  /** When an account's `balances` checkpoint row is rewritten (its moves are in the records). */
  private readonly balanceCheckpoints = new CheckpointSchedule(BALANCE_CHECKPOINT_CYCLES);
  readonly vee = new TxMap<string, VeeState>();
  /** Duplicate marks per meter and the `meter_state` checkpoint schedule. */
  readonly meterLog = new MeterLog();
  /** The meter's last stored interval start (its marks), for the rating replay. */
  private readonly lastIntervalMs = (meterId: string) =>
    this.meterLog.marks.get(meterId)?.ivMs ?? null;
  readonly relays = new TxMap<string, RelayRecord>();
  readonly rating = new RatingStates((keys) =>
    restoreRatingStates(this.deps.db, this.deps.rater, this.meters, keys, this.lastIntervalMs),
  );
  readonly meters = new Map<string, MeterInfo>();
  private readonly metersByAccount = new Map<string, MeterInfo[]>();
  readonly accounts = new Map<string, AccountConfig>();
  readonly massCap: MassCap;
  /** Safe mode with its causes; keeps `safeMode` / `safeModeReason` up to date. */
  readonly safe: SafeMode;
  /** Last charge per account: the unit price used to estimate not yet rated usage. */
  readonly lastPrice = new Map<string, { amountMinor: bigint; energyWh: number }>();
  /** Latest snapshot between interval boundaries per meter (fast polling near threshold). */
  readonly provisional = new Map<string, { captureMs: number; valueWh: number; serial: string }>();
  safeMode = false;
  /** Counts relay commands persisted (the journal runner compares to know there is work). */
  commandsCreated = 0;
  private massCapHoldMonoMs: number | null = null;
  safeModeReason: string | null = null;
  /** Run after each committed top-level transaction (the relay journal starts new commands). */
  readonly afterCommit: (() => void)[] = [];

  constructor(readonly deps: EngineDeps) {
    this.outbox = new Outbox(deps.db);
    this.stmts = new Statements(deps.db);
    this.safe = new SafeMode(this);
    const mc = deps.config.relayPolicy.massDisconnect;
    this.massCap = new MassCap(mc.maxDisconnects, mc.windowSeconds * 1000);
    for (const a of deps.config.accounts) this.accounts.set(a.id, a);
    for (const m of deps.config.meters) {
      const info = { config: m, limits: limitsOf(m), rating: new Map() };
      this.meters.set(m.id, info);
      this.metersByAccount.set(m.accountId, [
        ...(this.metersByAccount.get(m.accountId) ?? []),
        info,
      ]);
    }
    this.load();
    this.safe.restore();
  }

  /**
   * Binds a meter to another account from now on (central moved it, e.g. a new tenant): its
   * next intervals are charged to that account and its relay follows that balance. False when
   * the meter or the account is not on this gateway, or it is bound there already.
   * Example: rebindMeter('m1', 'A-NEW') → true; metersOfAccount('A-NEW') → [m1].
   */
  rebindMeter(meterId: string, accountId: string): boolean {
    const info = this.meters.get(meterId);
    if (!info || !this.accounts.has(accountId) || info.config.accountId === accountId) return false;
    const old = info.config.accountId;
    this.metersByAccount.set(
      old,
      this.metersOfAccount(old).filter((m) => m !== info),
    );
    info.config = { ...info.config, accountId };
    this.metersByAccount.set(accountId, [...this.metersOfAccount(accountId), info]);
    return true;
  }

  time(): { wallMs: number; trusted: boolean } {
    return { wallMs: this.deps.clock.wallMs(), trusted: this.deps.clockTrusted() };
  }

  /**
   * Switches a hybrid account between prepaid and postpaid enforcement (a central order);
   * use `switchAccountMode` (relay-policy.ts), which also re-evaluates its meters.
   */
  setActiveMode(accountId: string, mode: 'prepaid' | 'postpaid'): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`unknown account "${accountId}"`);
    if (account.mode !== 'hybrid')
      throw new Error(`account ${accountId} is ${account.mode}, not hybrid`);
    this.accounts.set(accountId, { ...account, activeMode: mode });
  }

  /** True when a mass-cap hold should raise its alarm (once per cap window). */
  noteMassCapHold(nowMonoMs: number): boolean {
    const windowMs = this.deps.config.relayPolicy.massDisconnect.windowSeconds * 1000;
    if (this.massCapHoldMonoMs !== null && nowMonoMs - this.massCapHoldMonoMs < windowMs)
      return false;
    this.massCapHoldMonoMs = nowMonoMs;
    return true;
  }

  metersOfAccount(accountId: string): MeterInfo[] {
    return this.metersByAccount.get(accountId) ?? [];
  }

  balanceOf(accountId: string): bigint {
    return this.balances.get(accountId) ?? 0n;
  }

  transact<T>(fn: () => T): T {
    try {
      const result = this.deps.db.transaction(() => {
        this.outbox.beginBatch();
        const value = fn();
        this.flush();
        this.outbox.endBatch();
        return value;
      })();
      this.commitMaps();
      if (!this.deps.db.inTransaction) for (const fn of this.afterCommit) fn();
      return result;
    } catch (err) {
      this.outbox.abortBatch();
      discardCycle(this.stmts);
      this.rollbackMaps();
      this.safe.noteFailure(err);
      throw err;
    }
  }

  private flush(): void {
    const record = this.stmts.cycleRecord;
    const moved: string[] = [];
    for (const id of this.balances.dirtyKeys()) {
      record.addBalance(id, this.balanceOf(id));
      moved.push(id);
    }
    const throughSeq = this.flushMeters();
    const wallMs = this.deps.clock.wallMs();
    for (const id of this.balanceCheckpoints.due(moved))
      this.stmts.upsertBalance.push(id, this.balanceOf(id).toString(), wallMs, throughSeq);
    // relay states hold no bigint: plain JSON.stringify (the replacer costs ~2x)
    for (const [k, v] of this.relays.dirty())
      this.stmts.upsertRelayState.push(k, JSON.stringify(v));
    this.rating.flush((k, json, throughMs) => {
      const [meterId, tariffId] = k.split('\n') as [string, string];
      this.stmts.upsertRatingState.push(meterId, tariffId, json, throughMs);
    });
    flushCycle(this.stmts);
  }

  /**
   * Writes the transaction's cycle record (its reads, intervals and balances, with the changed
   * VEE states added here); the meters whose checkpoint is due get their `meter_state` row.
   * Returns the last cycle record the store holds now (the checkpoints run through it).
   */
  private flushMeters(): number {
    const record = this.stmts.cycleRecord;
    const changed = new Set<string>();
    for (const id of this.vee.dirtyKeys()) {
      const v = this.vee.get(id);
      if (v) record.addVee(id, v);
      changed.add(id);
    }
    const throughSeq = record.write() ?? record.storedSeq();
    for (const id of this.meterLog.marks.dirtyKeys()) changed.add(id);
    if (changed.size === 0) return throughSeq;
    for (const id of this.meterLog.due(changed)) {
      const marks = this.meterLog.marks.get(id) ?? { reads: {}, ivMs: null };
      const state = JSON.stringify({ vee: this.vee.get(id) ?? null, ...marks });
      this.stmts.upsertMeterState.push(id, state, throughSeq);
    }
    return throughSeq;
  }

  private commitMaps(): void {
    for (const m of [this.balances, this.vee, this.relays]) m.commit();
    // a nested transact's checkpoints are durable only when the outer one commits
    if (this.deps.db.inTransaction) return;
    this.rating.commit();
    this.meterLog.commit();
    this.balanceCheckpoints.commit();
  }

  private rollbackMaps(): void {
    for (const m of [this.balances, this.vee, this.relays, this.rating, this.meterLog])
      m.rollback();
    this.balanceCheckpoints.rollback();
  }

  private load(): void {
    const db = this.deps.db;
    const opening = db.prepare('SELECT count(*) FROM balances').pluck().get() === 0;
    for (const a of this.accounts.values())
      this.balances.load(a.id, opening ? a.openingBalanceMinor : 0n);
    for (const [id, b] of restoreBalances(db)) {
      this.balances.load(id, b.balanceMinor);
      this.balanceCheckpoints.loaded(id);
    }
    for (const [id, m] of restoreMeterStates(db)) {
      if (m.vee) this.vee.load(id, m.vee);
      this.meterLog.load(id, { reads: m.reads, ivMs: m.ivMs });
    }
    for (const r of db.prepare('SELECT * FROM relay_state').all() as Row[])
      this.relays.load(r.meter_id as string, restoreRelay(JSON.parse(r.state as string), this));
    const states = restoreRatingStates(
      db,
      this.deps.rater,
      this.meters,
      undefined,
      this.lastIntervalMs,
    );
    for (const [key, entry] of states) this.rating.load(key, entry);
    if (opening && this.accounts.size > 0) this.transact(() => this.seedOpeningBalances());
    this.restoreMassCap();
  }

  /**
   * Credit disconnections of the current cap window survive a restart (a crash loop must not
   * reset the blast-radius cap); they count from now on monotonic time.
   */
  private restoreMassCap(): void {
    const windowMs = this.deps.config.relayPolicy.massDisconnect.windowSeconds * 1000;
    const since = this.deps.clock.wallMs() - windowMs;
    const recent = this.deps.db
      .prepare(
        "SELECT count(*) FROM relay_commands WHERE action = 'open' AND reason = 'credit' " +
          'AND created_wall_ms > ?',
      )
      .pluck()
      .get(since) as number;
    for (let i = 0; i < recent; i++) this.massCap.record(this.deps.clock.monoMs());
  }

  private seedOpeningBalances(): void {
    for (const a of this.accounts.values()) this.balances.set(a.id, a.openingBalanceMinor);
  }
}

type Row = Record<string, unknown>;

/** An account's balance checkpoint is rewritten at most this many transactions apart. */
export const BALANCE_CHECKPOINT_CYCLES = 96;

/**
 * Grace periods run on monotonic time, which restarts with the process: a meter found in
 * GRACE after a restart starts its grace again (it can only delay a disconnection).
 */
function restoreRelay(record: RelayRecord, engine: Engine): RelayRecord {
  if (record.policy.graceStartMonoMs === null) return record;
  return { ...record, policy: { ...record.policy, graceStartMonoMs: engine.deps.clock.monoMs() } };
}

function limitsOf(m: MeterConfig): VeeLimits {
  return {
    registerDigits: m.registerDigits,
    maxWhPerHour: m.maxWhPerHour,
    spikeFactor: 8,
    spikeFloorWhPerHour: 2_000,
  };
}

export { ratingKey } from './rating-replay.js';
