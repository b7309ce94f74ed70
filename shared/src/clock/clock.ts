/**
 * Time source injected everywhere outside `shared/` pure code.
 *
 * - `wallMs()` is UTC epoch milliseconds; it may jump (NTP, operator, RTC reset).
 * - `monoMs()` never goes backwards; grace periods and timeouts use it.
 * - timers run on the same source, so fake timers drive both.
 */
export interface Clock {
  wallMs(): number;
  monoMs(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Resolves after `delayMs` on this clock. */
  sleep(delayMs: number): Promise<void>;
}

export interface TimerHandle {
  readonly id: unknown;
}

/** A wall clock reading is trusted only when the site clock is synchronised. */
export interface TrustedTime {
  wallMs: number;
  trusted: boolean;
}
