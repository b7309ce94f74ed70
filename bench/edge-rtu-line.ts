/**
 * An emulated RS-485 line with Modbus RTU meters behind it, for edge benchmarks: a
 * modbus-serial port object whose answers arrive after the wire time of the request, the
 * t3.5 silence that ends it, a fixed device turnaround and the wire time of the answer (11-bit
 * characters at BAUD). Every unit id
 * answers FC03/FC04 with an increasing 32-bit energy value, FC01/FC02 with its relay bit and
 * FC05 by switching it. `onWrite` observes frames as they go on the wire.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const crc16 = require('modbus-serial/utils/crc16') as (b: Buffer) => number;

export const BAUD = 9_600;
export const TURNAROUND_MS = 10;
/** Modbus t3.5 at 9,600 baud: 3.5 characters × 11 bits. */
export const T35_MS = (3.5 * 11 * 1000) / BAUD;

/** Wire time of `bytes` RTU characters (start + 8 data + parity + stop = 11 bits). */
export function wireMs(bytes: number, baud = BAUD): number {
  return (bytes * 11 * 1000) / baud;
}

export class EmulatedRtuLine extends EventEmitter {
  private readonly relay = new Map<number, boolean>();
  private energy = 1_000;
  onWrite: (frame: Buffer) => void = () => {};
  busyMs = 0;

  get isOpen(): boolean {
    return true;
  }

  open(cb?: (err: Error | null) => void): void {
    cb?.(null);
  }

  close(cb?: (err: Error | null) => void): void {
    cb?.(null);
  }

  write(data: Buffer): void {
    this.onWrite(data);
    const res = this.answer(data);
    if (!res) return;
    const ms = wireMs(data.length) + T35_MS + TURNAROUND_MS + wireMs(res.length);
    this.busyMs += ms;
    setTimeout(() => this.emit('data', res), ms);
  }

  private answer(req: Buffer): Buffer | undefined {
    const unit = req[0] ?? 0;
    const fc = req[1] ?? 0;
    const count = req.readUInt16BE(4);
    let body: Buffer;
    if (fc === 3 || fc === 4) {
      body = Buffer.alloc(1 + count * 2);
      body[0] = count * 2;
      this.energy += 1;
      if (count >= 2) body.writeUInt32BE(this.energy, 1);
    } else if (fc === 1 || fc === 2) {
      body = Buffer.from([1, this.relay.get(unit) === false ? 0 : 1]);
    } else if (fc === 5) {
      this.relay.set(unit, req.readUInt16BE(4) === 0xff00);
      body = req.subarray(2, 6);
    } else return undefined;
    const frame = Buffer.concat([Buffer.from([unit, fc]), body, Buffer.alloc(2)]);
    frame.writeUInt16LE(crc16(frame.subarray(0, -2)), frame.length - 2);
    return frame;
  }
}
