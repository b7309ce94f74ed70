import type { Duplex } from 'node:stream';
import type { Clock } from '@gridbill/shared/clock';
import { concatBytes } from '@gridbill/shared/dlms';
import { DlmsTimeoutError } from './errors.js';

export type Splitter = (buffer: Uint8Array) => { frames: Uint8Array[]; rest: Uint8Array };

/**
 * Turns a byte stream (TCP socket or serial port) into a queue of frames, read with a
 * timeout on the injected clock. Bytes that arrive while nobody waits are kept in order.
 * Example: `await frames.next(5000, 'UA')` → the next complete frame, or DlmsTimeoutError.
 */
export class StreamFrames {
  private buffer: Uint8Array = new Uint8Array(0);
  private queue: Uint8Array[] = [];
  private waiter: ((frame: Uint8Array | Error) => void) | undefined;
  private failure: Error | undefined;
  /** Monotonic ms of the last received byte (RS-485 inter-frame gap). */
  lastReceiveMs = 0;

  constructor(
    readonly stream: Duplex,
    private readonly split: Splitter,
    private readonly clock: Clock,
  ) {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err: Error) => this.fail(err));
    stream.on('close', () => this.fail(new Error('connection closed by the meter')));
  }

  private onData(chunk: Buffer): void {
    this.lastReceiveMs = this.clock.monoMs();
    let split: ReturnType<Splitter>;
    try {
      split = this.split(concatBytes(this.buffer, chunk));
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.buffer = split.rest;
    this.queue.push(...split.frames);
    this.deliver();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.deliver();
  }

  private deliver(): void {
    if (!this.waiter) return;
    const frame = this.queue.shift();
    if (frame) this.resolve(frame);
    else if (this.failure) this.resolve(this.failure);
  }

  private resolve(value: Uint8Array | Error): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.(value);
  }

  /** Drops frames received but not yet read (before a retransmission). */
  clear(): void {
    this.queue = [];
  }

  next(timeoutMs: number, what: string): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.waiter = undefined;
        reject(new DlmsTimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiter = (value) => {
        this.clock.clearTimeout(timer);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      this.deliver();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.stream.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
    });
  }
}
