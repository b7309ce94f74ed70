import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  dueMonoMs: number;
  fn: () => void;
}

/**
 * Deterministic clock for pure simulations and unit tests: time moves only when
 * `advance` or `jumpWall` is called.
 *
 * @example
 * const c = new ManualClock({ wallMs: 1_700_000_000_000 });
 * c.advance(1500); c.wallMs(); // 1_700_000_001_500
 * c.jumpWall(-60_000); c.monoMs(); // 1500 (monotonic time ignores wall jumps)
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono: number;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(start: { wallMs: number; monoMs?: number }) {
    this.wall = start.wallMs;
    this.mono = start.monoMs ?? 0;
  }

  wallMs(): number {
    return this.wall;
  }

  monoMs(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, dueMonoMs: this.mono + Math.max(0, delayMs), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }

  /** Moves wall and monotonic time forward together, firing due timers in order. */
  advance(deltaMs: number): void {
    if (deltaMs < 0) throw new RangeError(`advance: deltaMs must be >= 0, got ${deltaMs}`);
    const targetMono = this.mono + deltaMs;
    for (;;) {
      const next = this.earliestDue(targetMono);
      if (!next) break;
      this.wall += next.dueMonoMs - this.mono;
      this.mono = next.dueMonoMs;
      this.timers = this.timers.filter((t) => t !== next);
      next.fn();
    }
    this.wall += targetMono - this.mono;
    this.mono = targetMono;
  }

  /** Jumps only the wall clock (as an NTP step or a bad RTC would). */
  jumpWall(deltaMs: number): void {
    this.wall += deltaMs;
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  private earliestDue(limitMono: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.dueMonoMs > limitMono) continue;
      const earlier = !best || t.dueMonoMs < best.dueMonoMs;
      if (earlier || (t.dueMonoMs === best!.dueMonoMs && t.id < best!.id)) best = t;
    }
    return best;
  }
}
