/** Status of one persisted relay command. */
export type CommandStatus = 'pending' | 'sending' | 'verifying' | 'backoff' | 'done' | 'failed';

export type JournalEvent =
  | 'dispatch'
  | 'send_ok'
  | 'send_error'
  | 'readback_match'
  | 'readback_mismatch'
  | 'retry_due'
  | 'restart';

export type JournalAction = 'send' | 'read_back' | 'schedule_retry' | 'confirm' | 'raise_fault';

export interface JournalRow {
  from: CommandStatus;
  on: JournalEvent;
  when: 'always' | 'attempts_left' | 'no_attempts_left';
  to: CommandStatus;
  action: JournalAction;
}

/**
 * Relay command journal: persist → send → read back → retry with back-off → RELAY_FAULT.
 * After a restart a command that may have been sent is read back first (never blindly
 * re-sent), so a command completes exactly once however often the gateway dies.
 */
export const RELAY_JOURNAL_TABLE: readonly JournalRow[] = [
  { from: 'pending', on: 'dispatch', when: 'always', to: 'sending', action: 'send' },
  { from: 'pending', on: 'restart', when: 'always', to: 'sending', action: 'send' },
  { from: 'sending', on: 'send_ok', when: 'always', to: 'verifying', action: 'read_back' },
  {
    from: 'sending',
    on: 'send_error',
    when: 'attempts_left',
    to: 'backoff',
    action: 'schedule_retry',
  },
  {
    from: 'sending',
    on: 'send_error',
    when: 'no_attempts_left',
    to: 'failed',
    action: 'raise_fault',
  },
  { from: 'sending', on: 'restart', when: 'always', to: 'verifying', action: 'read_back' },
  { from: 'verifying', on: 'readback_match', when: 'always', to: 'done', action: 'confirm' },
  {
    from: 'verifying',
    on: 'readback_mismatch',
    when: 'attempts_left',
    to: 'backoff',
    action: 'schedule_retry',
  },
  {
    from: 'verifying',
    on: 'readback_mismatch',
    when: 'no_attempts_left',
    to: 'failed',
    action: 'raise_fault',
  },
  { from: 'verifying', on: 'restart', when: 'always', to: 'verifying', action: 'read_back' },
  { from: 'backoff', on: 'retry_due', when: 'always', to: 'sending', action: 'send' },
  { from: 'backoff', on: 'restart', when: 'always', to: 'verifying', action: 'read_back' },
];

export interface JournalStep {
  status: CommandStatus;
  action: JournalAction;
}

/**
 * Next journal status for an event; `attempts` counts sends already made.
 *
 * @example
 * stepJournal('verifying', 'readback_mismatch', 4, 4) // → { status: 'failed',
 * //                                                       action: 'raise_fault' }
 */
export function stepJournal(
  status: CommandStatus,
  event: JournalEvent,
  attempts: number,
  maxAttempts: number,
): JournalStep {
  const left = attempts < maxAttempts;
  const row = RELAY_JOURNAL_TABLE.find(
    (r) =>
      r.from === status &&
      r.on === event &&
      (r.when === 'always' || (r.when === 'attempts_left') === left),
  );
  if (!row) throw new Error(`relay journal: no transition from ${status} on ${event}`);
  return { status: row.to, action: row.action };
}

/**
 * Back-off before retry `attempts` (1-based): doubles from `initialMs`, capped at `maxMs`.
 *
 * @example
 * retryDelayMs(3, 2_000, 60_000) // → 8_000
 */
export function retryDelayMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1));
}
