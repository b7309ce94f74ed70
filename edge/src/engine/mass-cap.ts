/**
 * Caps credit disconnections per sliding window of monotonic time (S7 blast radius).
 *
 * @example
 * const cap = new MassCap(2, 60_000); cap.record(0); cap.record(10);
 * cap.reached(30_000) // → true;  cap.reached(60_001) // → false
 */
export class MassCap {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  reached(nowMonoMs: number): boolean {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= nowMonoMs - this.windowMs)
      this.times.shift();
    return this.times.length >= this.max;
  }

  record(nowMonoMs: number): void {
    this.times.push(nowMonoMs);
  }
}
