import {
  type ConfirmedRelayState,
  type JournalEvent,
  type JournalStep,
  judgeReadBack,
  type RelayReadBack,
  retryDelayMs,
  stepJournal,
} from '@gridbill/shared/relay';
import { crashPoint } from './crash-point.js';
import type { Engine } from './engine.js';
import { commandById, openCommands, type RelayCommandRow } from './relay-commands.js';
import { dropExpiredOrder, orderExpiredUnsent, settleOrder } from './relay-orders.js';
import { applyPolicyEvent } from './relay-policy.js';

/** Talks to a meter's relay (DLMS class 70 ACTION or a Modbus coil), via the meter's bus. */
export interface RelayDriver {
  switchRelay(meterId: string, action: 'open' | 'close'): Promise<void>;
  readRelay(meterId: string): Promise<'open' | 'closed'>;
  /**
   * Output plus class 70 control_state and control_mode, when the meter exposes them; the
   * read-back is then judged per control mode (`READBACK_TABLE`).
   */
  readRelayStatus?(meterId: string): Promise<RelayReadBack>;
}

/** Wait before retrying a command whose journal write failed (e.g. disk full). */
const WRITE_RETRY_MS = 5_000;

/**
 * Drives persisted relay commands through `RELAY_JOURNAL_TABLE`: every status is committed
 * before the I/O it announces, so after a crash `resume()` knows whether a command may have
 * been sent (then it reads back before re-sending). One command at a time per meter.
 */
export class RelayJournalRunner {
  private readonly busyMeters = new Set<string>();
  private readonly timers = new Set<{ id: unknown }>();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** Relay state confirmed by the last read-back, per command (for the outcome event). */
  private readonly confirmed = new Map<string, ConfirmedRelayState>();
  private kickedAt = -1;

  constructor(
    private readonly engine: Engine,
    private readonly driver: RelayDriver,
  ) {
    engine.afterCommit.push(() => this.kickIfNew());
  }

  /** After a restart: every unfinished command takes the journal's `restart` transition. */
  resume(): void {
    for (const cmd of openCommands(this.engine)) this.start(cmd, 'restart');
  }

  /** Starts newly persisted commands (called after every commit that created some). */
  kick(): void {
    this.kickedAt = this.engine.commandsCreated;
    for (const cmd of openCommands(this.engine))
      if (cmd.status === 'pending') this.start(cmd, 'dispatch');
  }

  private kickIfNew(): void {
    if (this.stopped || this.kickedAt === this.engine.commandsCreated) return;
    try {
      this.kick();
    } catch (err) {
      this.engine.deps.logger.error({ err: errorText(err) }, 'relay journal kick failed');
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) this.engine.deps.clock.clearTimeout(t);
    this.timers.clear();
  }

  busy(): boolean {
    return this.busyMeters.size > 0 || this.timers.size > 0;
  }

  /** Resolves when no command is in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(cmd: RelayCommandRow, event: JournalEvent): void {
    if (this.busyMeters.has(cmd.meterId) || this.stopped) return;
    const stale = cmd.status === 'pending' && orderExpiredUnsent(this.engine, cmd.id);
    if (!stale && this.heldBySafeMode(cmd, event)) return;
    this.busyMeters.add(cmd.meterId);
    void (stale ? this.drop(cmd) : this.run(cmd, event))
      .catch((err: unknown) => this.writeFailed(cmd, err))
      .finally(() => this.release(cmd.meterId));
  }

  /** Safe mode sends no disconnect: an open command waits (pending or in back-off). */
  private heldBySafeMode(cmd: RelayCommandRow, event: JournalEvent): boolean {
    if (!this.engine.safeMode || cmd.action !== 'open') return false;
    if (event !== 'dispatch' && event !== 'retry_due') return false;
    this.engine.deps.logger.warn({ commandId: cmd.id }, 'relay disconnect held: safe mode');
    return true;
  }

  /**
   * A journal write failed (the store refused it, e.g. disk full): the command keeps its last
   * committed status and is tried again later; the process goes on.
   */
  private writeFailed(cmd: RelayCommandRow, err: unknown): void {
    this.engine.deps.logger.error({ commandId: cmd.id, err: errorText(err) }, 'relay journal');
    if (this.stopped) return;
    const handle = this.engine.deps.clock.setTimeout(() => {
      this.timers.delete(handle);
      const fresh = commandById(this.engine, cmd.id);
      if (fresh && fresh.status !== 'done' && fresh.status !== 'failed')
        this.start(fresh, fresh.status === 'pending' ? 'dispatch' : 'restart');
    }, WRITE_RETRY_MS);
    this.timers.add(handle);
  }

  private release(meterId: string): void {
    this.busyMeters.delete(meterId);
    if (!this.stopped) {
      const next = openCommands(this.engine).find(
        (c) => c.meterId === meterId && c.status === 'pending',
      );
      if (next) this.start(next, 'dispatch');
    }
    if (!this.busy()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(cmd: RelayCommandRow, event: JournalEvent): Promise<void> {
    let current = cmd;
    let next: JournalEvent | null = event;
    while (next && !this.stopped) {
      const step = stepJournal(current.status, next, current.attempts, this.maxAttempts());
      next = await this.perform(current, step);
      current = commandById(this.engine, current.id) ?? current;
    }
  }

  private async perform(cmd: RelayCommandRow, step: JournalStep): Promise<JournalEvent | null> {
    switch (step.action) {
      case 'send':
        return this.send(cmd);
      case 'read_back':
        return this.readBack(cmd);
      case 'schedule_retry':
        this.persist(cmd, 'backoff', cmd.attempts, cmd.lastError);
        this.scheduleRetry(cmd);
        return null;
      case 'confirm':
        this.finish(cmd, 'done');
        return null;
      case 'raise_fault':
        this.finish(cmd, 'failed');
        return null;
    }
  }

  private async send(cmd: RelayCommandRow): Promise<JournalEvent> {
    this.persist(cmd, 'sending', cmd.attempts + 1, cmd.lastError);
    try {
      await this.driver.switchRelay(cmd.meterId, cmd.action);
      crashPoint('after_relay_sent');
      return 'send_ok';
    } catch (err) {
      this.persist(cmd, 'sending', cmd.attempts + 1, errorText(err));
      return 'send_error';
    }
  }

  private async readBack(cmd: RelayCommandRow): Promise<JournalEvent> {
    this.persist(cmd, 'verifying', cmd.attempts, cmd.lastError);
    try {
      const read = await this.readStatus(cmd.meterId);
      const state = judgeReadBack(cmd.action, read);
      if (state) {
        this.confirmed.set(cmd.id, state);
        return 'readback_match';
      }
      this.persist(
        cmd,
        'verifying',
        cmd.attempts,
        `read back ${describe(read)}, not ${cmd.action}`,
      );
    } catch (err) {
      this.persist(cmd, 'verifying', cmd.attempts, `read back failed: ${errorText(err)}`);
    }
    return 'readback_mismatch';
  }

  /** An expired order never sent: read the relay, then drop it (nothing is switched). */
  private async drop(cmd: RelayCommandRow): Promise<void> {
    const read = await this.readStatus(cmd.meterId);
    const armed = read.output === 'open' && read.controlState === 'ready_for_reconnection';
    const output = read.output === 'closed' ? 'closed' : armed ? 'armed' : 'open';
    dropExpiredOrder(this.engine, cmd, output);
    this.engine.deps.logger.warn({ commandId: cmd.id, output }, 'expired relay order dropped');
  }

  private readStatus(meterId: string): Promise<RelayReadBack> {
    if (this.driver.readRelayStatus) return this.driver.readRelayStatus(meterId);
    return this.driver.readRelay(meterId).then((output) => ({ output }));
  }

  private scheduleRetry(cmd: RelayCommandRow): void {
    const c = this.engine.deps.config.relayPolicy.command;
    const delayMs = retryDelayMs(cmd.attempts, c.initialBackoffMs, c.maxBackoffMs);
    const clock = this.engine.deps.clock;
    const handle = clock.setTimeout(() => {
      this.timers.delete(handle);
      const fresh = commandById(this.engine, cmd.id);
      if (fresh?.status === 'backoff' && this.heldBySafeMode(fresh, 'retry_due'))
        this.scheduleRetry(fresh);
      else if (fresh && fresh.status === 'backoff') this.start(fresh, 'retry_due');
      else if (!this.busy()) for (const w of this.idleWaiters.splice(0)) w();
    }, delayMs);
    this.timers.add(handle);
  }

  private finish(cmd: RelayCommandRow, status: 'done' | 'failed'): void {
    const fresh = commandById(this.engine, cmd.id) ?? cmd;
    const engine = this.engine;
    const fallback = cmd.action === 'open' ? 'disconnected' : 'connected';
    const state = status === 'done' ? (this.confirmed.get(cmd.id) ?? fallback) : 'unknown';
    this.confirmed.delete(cmd.id);
    engine.transact(() => {
      this.persist(fresh, status, fresh.attempts, fresh.lastError);
      settleOrder(engine, cmd.id, status);
      const body = {
        meterId: cmd.meterId,
        commandId: cmd.id,
        action: cmd.action === 'open' ? 'disconnect' : 'connect',
        outcome: status,
        reason: (fresh.lastError ?? cmd.reason).slice(0, 200),
        relayStateAfter: state,
      };
      engine.outbox.append(
        {
          kind: 'relay-event',
          eventId: engine.deps.contentId('relay-event', cmd.id, status),
          body,
        },
        engine.time(),
      );
      applyPolicyEvent(engine, cmd.meterId, outcomeEvent(status, state), cmd.reason);
    });
    engine.deps.logger.info({ commandId: cmd.id, status, state }, `relay command ${status}`);
  }

  private persist(cmd: RelayCommandRow, status: string, attempts: number, error: string | null) {
    const wallMs = this.engine.deps.clock.wallMs();
    this.engine.stmts.updateCommand.run(status, attempts, wallMs, error, cmd.id);
  }

  private maxAttempts(): number {
    return this.engine.deps.config.relayPolicy.command.maxAttempts;
  }
}

function outcomeEvent(status: 'done' | 'failed', state: ConfirmedRelayState | 'unknown') {
  if (status === 'failed' || state === 'unknown') return { type: 'relay_failed' } as const;
  const output = state === 'disconnected' ? 'open' : state === 'connected' ? 'closed' : 'armed';
  return { type: 'relay_confirmed', output } as const;
}

/** @example describe({ output: 'open', controlState: 'disconnected', controlMode: 2 })
 * // → 'output open, control_state disconnected, mode 2' */
function describe(read: RelayReadBack): string {
  if (read.controlState === undefined) return `output ${read.output}`;
  return `output ${read.output}, control_state ${read.controlState}, mode ${read.controlMode}`;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}
