import type { Clock } from '@gridbill/shared/clock';

export class BusTimeoutError extends Error {
  constructor(device: string, timeoutMs: number) {
    super(`${device}: no answer within ${timeoutMs} ms`);
    this.name = 'BusTimeoutError';
  }
}

export class DeviceBackoffError extends Error {
  constructor(device: string, remainingMs: number) {
    super(`${device}: backing off for another ${Math.ceil(remainingMs)} ms after failures`);
    this.name = 'DeviceBackoffError';
  }
}

export interface SerialBusOptions {
  /** Silence between frames; default t3.5 from the baud rate. */
  interFrameGapMs: number;
  timeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
}

/**
 * Modbus RTU silent interval t3.5 for a baud rate (11-bit characters; fixed 1.75 ms above
 * 19,200 baud, per Modbus over Serial Line V1.02).
 *
 * @example
 * interFrameGapMs(9_600) // → 4.0104…;  interFrameGapMs(38_400) // → 1.75
 */
export function interFrameGapMs(baudRate: number): number {
  return baudRate > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}

interface Job {
  device: string;
  task: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * One RS-485 bus: half duplex, so one request at a time, a silent gap after each, a timeout
 * per request and an exponential back-off per device that keeps failing. High-priority jobs
 * (relay commands) go before queued reads, never before the one in flight.
 */
export class SerialBusQueue {
  private readonly high: Job[] = [];
  private readonly normal: Job[] = [];
  private readonly backoff = new Map<string, { untilMonoMs: number; delayMs: number }>();
  private running = false;
  busyMs = 0;

  constructor(
    private readonly clock: Clock,
    private readonly options: SerialBusOptions,
  ) {}

  run<T>(
    device: string,
    task: () => Promise<T>,
    priority: 'high' | 'normal' = 'normal',
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job = { device, task, resolve: resolve as (v: unknown) => void, reject };
      (priority === 'high' ? this.high : this.normal).push(job);
      void this.pump();
    });
  }

  pending(): number {
    return this.high.length + this.normal.length;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.next(); job; job = this.next()) await this.execute(job);
    } finally {
      this.running = false;
    }
  }

  private next(): Job | undefined {
    return this.high.shift() ?? this.normal.shift();
  }

  private async execute(job: Job): Promise<void> {
    const now = this.clock.monoMs();
    const b = this.backoff.get(job.device);
    if (b && b.untilMonoMs > now) {
      job.reject(new DeviceBackoffError(job.device, b.untilMonoMs - now));
      return;
    }
    const started = now;
    try {
      job.resolve(await this.withTimeout(job));
      this.backoff.delete(job.device);
    } catch (err) {
      this.noteFailure(job.device);
      job.reject(err);
    } finally {
      this.busyMs += this.clock.monoMs() - started;
      await this.clock.sleep(this.options.interFrameGapMs);
    }
  }

  private withTimeout(job: Job): Promise<unknown> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new BusTimeoutError(job.device, timeoutMs)),
        timeoutMs,
      );
      job.task().then(
        (v) => {
          this.clock.clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          this.clock.clearTimeout(timer);
          reject(e);
        },
      );
    });
  }

  private noteFailure(device: string): void {
    const prev = this.backoff.get(device);
    const { initialMs, maxMs } = this.options.backoff;
    const delayMs = prev ? Math.min(maxMs, prev.delayMs * 2) : initialMs;
    this.backoff.set(device, { untilMonoMs: this.clock.monoMs() + delayMs, delayMs });
  }
}
