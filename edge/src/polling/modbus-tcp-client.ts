import { connect, type Socket } from 'node:net';

/** What ModbusLink needs from a Modbus client (modbus-serial's class fits it too, for RTU). */
export interface ModbusClient {
  readonly isOpen: boolean;
  setID(id: number): void;
  setTimeout(timeoutMs: number): void;
  readInputRegisters(address: number, count: number): Promise<{ data: number[] }>;
  readHoldingRegisters(address: number, count: number): Promise<{ data: number[] }>;
  readCoils(address: number, count: number): Promise<{ data: boolean[] }>;
  readDiscreteInputs(address: number, count: number): Promise<{ data: boolean[] }>;
  writeCoil(address: number, state: boolean): Promise<unknown>;
  close(callback: () => void): void;
}

/** A Modbus error with the fields modbus-serial sets (`errno`, `modbusCode`). */
export class ModbusTcpError extends Error {
  constructor(
    message: string,
    readonly errno?: string,
    readonly modbusCode?: number,
  ) {
    super(message);
    this.name = 'ModbusTcpError';
  }
}

/** The read buffer every client shares (see `connect`). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

interface Pending {
  unitId: number;
  fc: number;
  count: number;
  /** Its own timer; undefined when it runs on the client's re-armed solo timer. */
  timer: NodeJS.Timeout | undefined;
  resolve(value: never): void;
  reject(err: Error): void;
}

/**
 * Modbus TCP client, one socket per meter (MBAP framing, transaction ids, a response timeout
 * per request). It parses answers straight out of the shared read buffer and allocates nothing
 * per request beyond the 12-byte request, the promise, its pending entry and the decoded values.
 *
 * @example
 * const c = await ModbusTcpClient.connect('127.0.0.1', 5020, 1000);
 * c.setID(1);
 * await c.readInputRegisters(0, 2)
 * // sends 00 01 00 00 00 06 01 04 00 00 00 02, answer 00 01 00 00 00 07 01 04 04 00 00 04 d2
 * // → { data: [0, 1234] }
 */
export class ModbusTcpClient implements ModbusClient {
  private unitId = 1;
  private timeoutMs = 1_000;
  private nextTid = 1;
  private open = true;
  private rest: Buffer | undefined;
  private closeReason = 'connection closed';
  private soloTimer: NodeJS.Timeout | undefined;
  private soloTimerMs = 0;
  private soloTid = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly where: string;

  private constructor(private readonly socket: Socket) {
    this.where = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => undefined); // 'close' follows and fails what is pending
    socket.on('close', () => this.onClose());
  }

  /**
   * Opens the TCP connection (no timeout of its own, like modbus-serial's connectTCP). Reads
   * land in one buffer shared by all clients (`onread`: no Buffer and no stream 'data' event
   * per answer); each chunk is parsed before the next read can reuse it.
   */
  static connect(host: string, port: number, timeoutMs: number): Promise<ModbusTcpClient> {
    return new Promise((resolve, reject) => {
      let client: ModbusTcpClient | undefined;
      const callback = (length: number, buffer: Uint8Array) => {
        client?.onData(buffer as Buffer, length);
        return true;
      };
      const socket = connect({
        host,
        port,
        noDelay: true,
        onread: { buffer: READ_BUFFER, callback },
      });
      const fail = (err: Error) => reject(err);
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        client = new ModbusTcpClient(socket);
        client.setTimeout(timeoutMs);
        resolve(client);
      });
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  setID(id: number): void {
    this.unitId = id;
  }

  setTimeout(timeoutMs: number): void {
    this.timeoutMs = timeoutMs;
  }

  readInputRegisters(address: number, count: number): Promise<{ data: number[] }> {
    return this.request(4, address, count);
  }

  readHoldingRegisters(address: number, count: number): Promise<{ data: number[] }> {
    return this.request(3, address, count);
  }

  readCoils(address: number, count: number): Promise<{ data: boolean[] }> {
    return this.request(1, address, count);
  }

  readDiscreteInputs(address: number, count: number): Promise<{ data: boolean[] }> {
    return this.request(2, address, count);
  }

  writeCoil(address: number, state: boolean): Promise<{ address: number; state: boolean }> {
    return this.request(5, address, state ? 0xff00 : 0);
  }

  close(callback: () => void): void {
    if (!this.open) {
      callback();
      return;
    }
    // a peer that never finishes the close must not hang the caller: destroy after the timeout
    const force = setTimeout(() => this.socket.destroy(), this.timeoutMs);
    this.socket.once('close', () => {
      clearTimeout(force);
      callback();
    });
    this.socket.end();
  }

  private request<T>(fc: number, address: number, value: number): Promise<T> {
    if (!this.open)
      return Promise.reject(new ModbusTcpError(`${this.where}: Port Not Open`, 'ECONNREFUSED'));
    const tid = this.nextTid;
    this.nextTid = tid === 0xffff ? 1 : tid + 1;
    const frame = Buffer.allocUnsafe(12);
    frame.writeUInt32BE((tid << 16) >>> 0, 0); // transaction id, protocol id 0
    frame.writeUInt16BE(6, 4);
    frame[6] = this.unitId;
    frame[7] = fc;
    frame.writeUInt16BE(address, 8);
    frame.writeUInt16BE(value, 10);
    return new Promise<T>((resolve, reject) => {
      const timer = this.armTimeout(tid);
      this.pending.set(tid, { unitId: this.unitId, fc, count: value, timer, resolve, reject });
      this.socket.write(frame);
    });
  }

  /**
   * A request sent while nothing else is pending (the polling case) runs on one timer per
   * client, re-armed with `refresh()` instead of a new timer per request; overlapping requests
   * (a relay command during a read) get their own.
   */
  private armTimeout(tid: number): NodeJS.Timeout | undefined {
    const ms = this.timeoutMs;
    if (this.pending.size > 0) return setTimeout(() => this.onTimeout(tid, ms), ms);
    this.soloTid = tid;
    if (this.soloTimer && this.soloTimerMs === ms) this.soloTimer.refresh();
    else {
      clearTimeout(this.soloTimer);
      this.soloTimer = setTimeout(() => this.onTimeout(this.soloTid, ms), ms);
      this.soloTimerMs = ms;
    }
    return undefined;
  }

  private onTimeout(tid: number, ms: number): void {
    const p = this.pending.get(tid);
    if (!p) return;
    this.pending.delete(tid);
    const what = `${this.where} unit ${p.unitId}: Timed out (no answer to FC${p.fc}`;
    p.reject(new ModbusTcpError(`${what} within ${ms} ms)`, 'ETIMEDOUT'));
  }

  /** Frames `chunk[0, length)`; a partial frame at the end is copied and kept for later. */
  private onData(chunk: Buffer, length: number): void {
    let buf = chunk;
    let len = length;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk.subarray(0, length)]);
      len = buf.length;
      this.rest = undefined;
    }
    let at = 0;
    while (len - at >= 8) {
      const mbapLength = buf.readUInt16BE(at + 4);
      if (mbapLength < 3 || mbapLength > 254) {
        this.broken(`MBAP length ${mbapLength} (3..254)`);
        return;
      }
      const end = at + 6 + mbapLength;
      if (end > len) break;
      this.onFrame(buf, at, end);
      at = end;
    }
    if (at < len) this.rest = Buffer.from(buf.subarray(at, len));
  }

  /** One answer frame `buf[at, end)`; answers to no pending request (late, stray) are dropped. */
  private onFrame(buf: Buffer, at: number, end: number): void {
    const tid = buf.readUInt16BE(at);
    const p = this.pending.get(tid);
    if (!p) return;
    this.pending.delete(tid);
    clearTimeout(p.timer);
    const fc = buf[at + 7] ?? 0;
    const ok = fc === p.fc && buf[at + 6] === p.unitId && buf.readUInt16BE(at + 2) === 0;
    const result = ok ? decodeAnswer(buf, at + 8, end, p) : undefined;
    if (result !== undefined) p.resolve(result as never);
    else p.reject(this.answerError(buf, at, end, p));
  }

  private answerError(buf: Buffer, at: number, end: number, p: Pending): ModbusTcpError {
    const fc = buf[at + 7] ?? 0;
    const where = `${this.where} unit ${buf[at + 6]}`;
    const protocolId = buf.readUInt16BE(at + 2);
    if (protocolId !== 0)
      return new ModbusTcpError(`${where}: corrupt frame (MBAP protocol id ${protocolId}, not 0)`);
    if (fc === (p.fc | 0x80)) {
      const code = buf[at + 8] ?? 0;
      const name = EXCEPTIONS[code] ?? 'unknown exception';
      return new ModbusTcpError(`${where}: Modbus exception ${code}: ${name}`, undefined, code);
    }
    if (fc !== p.fc || buf[at + 6] !== p.unitId)
      return new ModbusTcpError(
        `${where}: answer FC${fc} to a FC${p.fc} request to unit ${p.unitId}`,
      );
    const bytes = end - at - 8;
    return new ModbusTcpError(`${where}: malformed FC${fc} answer (${bytes} PDU data bytes)`);
  }

  /** A stream that cannot be framed any more: drop the connection (pending requests fail). */
  private broken(reason: string): void {
    this.closeReason = `corrupt stream: ${reason}`;
    this.socket.destroy();
  }

  private onClose(): void {
    this.open = false;
    clearTimeout(this.soloTimer);
    const why = this.closeReason;
    for (const [tid, p] of this.pending) {
      this.pending.delete(tid);
      clearTimeout(p.timer);
      p.reject(new ModbusTcpError(`${this.where}: ${why}, no answer to FC${p.fc}`));
    }
  }
}

/**
 * The value of a well-formed answer PDU body `buf[at, end)` (after the function code), or
 * undefined when its length does not match the request.
 *
 * @example
 * decodeAnswer(<04 00 00 04 d2>, 0, 5, { fc: 4, count: 2 }) // → { data: [0, 1234] }
 */
export function decodeAnswer(
  buf: Buffer,
  at: number,
  end: number,
  p: { fc: number; count: number },
): object | undefined {
  if (p.fc === 3 || p.fc === 4) {
    if (buf[at] !== p.count * 2 || end - at !== 1 + p.count * 2) return undefined;
    const data = new Array<number>(p.count);
    for (let i = 0; i < p.count; i++) data[i] = buf.readUInt16BE(at + 1 + i * 2);
    return { data };
  }
  if (p.fc === 1 || p.fc === 2) {
    const bytes = Math.ceil(p.count / 8);
    if (buf[at] !== bytes || end - at !== 1 + bytes) return undefined;
    const data = new Array<boolean>(p.count);
    for (let i = 0; i < p.count; i++)
      data[i] = (((buf[at + 1 + (i >> 3)] ?? 0) >> (i & 7)) & 1) > 0;
    return { data };
  }
  if (end - at !== 4) return undefined;
  return { address: buf.readUInt16BE(at), state: buf.readUInt16BE(at + 2) === 0xff00 };
}
