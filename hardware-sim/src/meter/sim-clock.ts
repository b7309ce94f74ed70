import type { Clock, TimerHandle } from '@gridbill/shared/clock';

/**
 * Simulated time on top of a base clock: sim ms = anchor + base elapsed × speed.
 * Speed 0 freezes time (used to compare Modbus reads with the control API at one instant);
 * jumps only move forward (a meter's own clock can go back with a `clock-jump` fault).
 *
 * @example
 * const base = new ManualClock({ wallMs: 0 });
 * const sim = new SimClock(base, { startMs: 1_700_000_000_000, speed: 3600 });
 * base.advance(1000); sim.wallMs(); // 1_700_003_600_000 (one simulated hour per second)
 */
export class SimClock implements Clock {
  private anchorSimMs: number;
  private anchorBaseMs: number;
  private speedFactor: number;
  private readonly startSimMs: number;

  constructor(
    private readonly base: Clock,
    options: { startMs?: number; speed?: number } = {},
  ) {
    this.anchorSimMs = Math.floor(options.startMs ?? base.wallMs());
    this.startSimMs = this.anchorSimMs;
    this.anchorBaseMs = base.monoMs();
    this.speedFactor = checkSpeed(options.speed ?? 1);
  }

  /** Simulated UTC epoch ms (integer). */
  wallMs(): number {
    return Math.floor(
      this.anchorSimMs + (this.base.monoMs() - this.anchorBaseMs) * this.speedFactor,
    );
  }

  /** Simulated ms since the simulation started; never goes backwards. */
  monoMs(): number {
    return this.wallMs() - this.startSimMs;
  }

  speed(): number {
    return this.speedFactor;
  }

  /** Changes the speed from now on (0 = frozen). */
  setSpeed(speed: number): void {
    this.reanchor();
    this.speedFactor = checkSpeed(speed);
  }

  /** Moves simulated time forward by `deltaMs` (> 0). */
  jump(deltaMs: number): void {
    if (!Number.isFinite(deltaMs) || deltaMs <= 0) {
      throw new RangeError(
        `clock jump must be a positive number of ms, got ${deltaMs}: simulated time only moves ` +
          'forward (use a meter clock-jump fault to move one meter clock back)',
      );
    }
    this.reanchor();
    this.anchorSimMs += Math.floor(deltaMs);
  }

  /** Timers run on base time scaled by speed; at speed 0 they wait on base time unscaled. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const scale = this.speedFactor > 0 ? this.speedFactor : 1;
    return this.base.setTimeout(fn, delayMs / scale);
  }

  clearTimeout(handle: TimerHandle): void {
    this.base.clearTimeout(handle);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  private reanchor(): void {
    this.anchorSimMs = this.wallMs();
    this.anchorBaseMs = this.base.monoMs();
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0 || speed > 1_000_000) {
    throw new RangeError(`speed must be a number from 0 to 1000000, got ${speed}`);
  }
  return speed;
}
