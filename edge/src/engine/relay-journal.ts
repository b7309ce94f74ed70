import {
  type JournalEvent,
  type JournalStep,
  retryDelayMs,
  stepJournal,
} from '@gridbill/shared/relay';
import { crashPoint } from './crash-point.js';
import type { Engine } from './engine.js';
import { commandById, openCommands, type RelayCommandRow } from './relay-commands.js';
import { applyPolicyEvent } from './relay-policy.js';

/** Talks to a meter's relay (DLMS class 70 ACTION or a Modbus coil), via the meter's bus. */
export interface RelayDriver {
  switchRelay(meterId: string, action: 'open' | 'close'): Promise<void>;
  readRelay(meterId: string): Promise<'open' | 'closed'>;
}

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

  constructor(
    private readonly engine: Engine,
    private readonly driver: RelayDriver,
  ) {}

  /** After a restart: every unfinished command takes the journal's `restart` transition. */
  resume(): void {
    for (const cmd of openCommands(this.engine)) this.start(cmd, 'restart');
  }

  /** Starts newly persisted commands (call after a committed cycle). */
  kick(): void {
    for (const cmd of openCommands(this.engine))
      if (cmd.status === 'pending') this.start(cmd, 'dispatch');
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
    this.busyMeters.add(cmd.meterId);
    void this.run(cmd, event).finally(() => this.release(cmd.meterId));
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
    const want = cmd.action === 'open' ? 'open' : 'closed';
    try {
      const output = await this.driver.readRelay(cmd.meterId);
      if (output === want) return 'readback_match';
      this.persist(cmd, 'verifying', cmd.attempts, `read back ${output}, expected ${want}`);
    } catch (err) {
      this.persist(cmd, 'verifying', cmd.attempts, `read back failed: ${errorText(err)}`);
    }
    return 'readback_mismatch';
  }

  private scheduleRetry(cmd: RelayCommandRow): void {
    const c = this.engine.deps.config.relayPolicy.command;
    const delayMs = retryDelayMs(cmd.attempts, c.initialBackoffMs, c.maxBackoffMs);
    const clock = this.engine.deps.clock;
    const handle = clock.setTimeout(() => {
      this.timers.delete(handle);
      const fresh = commandById(this.engine, cmd.id);
      if (fresh && fresh.status === 'backoff') this.start(fresh, 'retry_due');
      else if (!this.busy()) for (const w of this.idleWaiters.splice(0)) w();
    }, delayMs);
    this.timers.add(handle);
  }

  private finish(cmd: RelayCommandRow, status: 'done' | 'failed'): void {
    const fresh = commandById(this.engine, cmd.id) ?? cmd;
    const engine = this.engine;
    engine.transact(() => {
      this.persist(fresh, status, fresh.attempts, fresh.lastError);
      const output = cmd.action === 'open' ? 'open' : 'closed';
      const body = {
        meterId: cmd.meterId,
        commandId: cmd.id,
        action: cmd.action === 'open' ? 'disconnect' : 'connect',
        outcome: status,
        reason: (fresh.lastError ?? cmd.reason).slice(0, 200),
        relayStateAfter:
          status === 'done' ? (output === 'open' ? 'disconnected' : 'connected') : 'unknown',
      };
      engine.outbox.append(
        {
          kind: 'relay-event',
          eventId: engine.deps.contentId('relay-event', cmd.id, status),
          body,
        },
        engine.time(),
      );
      const event =
        status === 'done'
          ? ({ type: 'relay_confirmed', output } as const)
          : ({ type: 'relay_failed' } as const);
      applyPolicyEvent(engine, cmd.meterId, event, cmd.reason);
    });
    engine.deps.logger.info({ commandId: cmd.id, status }, `relay command ${status}`);
  }

  private persist(cmd: RelayCommandRow, status: string, attempts: number, error: string | null) {
    const wallMs = this.engine.deps.clock.wallMs();
    this.engine.stmts.updateCommand.run(status, attempts, wallMs, error, cmd.id);
  }

  private maxAttempts(): number {
    return this.engine.deps.config.relayPolicy.command.maxAttempts;
  }
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}
