/**
 * Cheap Modbus TCP responder for edge benchmarks (not a meter model). Every accepted connection
 * is one meter (its own socket, its own energy counter). Answers are precomputed per register
 * block (function code × start × count) and copied into one slab per tick; the answer delay
 * runs on one coarse timer wheel (TICK_MS buckets, rounded up, so an answer never comes early),
 * and each socket gets at most one write per tick. FC03/FC04 answer `count` zero registers with
 * the connection's energy counter (+1 per answer) in the first two; FC01/FC02 a closed relay
 * bit; FC05/FC06 echo the request; any other function code exception 01.
 *
 * Run as a child process: `node --import tsx bench/edge-modbus-responder.ts PORT DELAY_MS
 * [TICK_MS]`; prints `ready <port>` when listening. A line `cpu` on stdin prints
 * `cpu <user µs> <system µs> <answers>` (this process's CPU time so far).
 *
 * @example
 * request  00 07 00 00 00 06 01 04 00 00 00 02  (tid 7, unit 1, FC04 @0 ×2)
 * answer   00 07 00 00 00 07 01 04 04 00 00 03 e9  (50 ms later; energy 1001)
 */
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const port = Number(process.argv[2] ?? 0);
const delayMs = Number(process.argv[3] ?? 0);
const tickMs = Number(process.argv[4] ?? 5);

class Conn {
  energy = 1_000;
  rest: Buffer | undefined = undefined;
  bytes = 0;
  fill = 0;
  offset = 0;
  dirty = false;
  constructor(readonly sock: Socket) {}
}

/** One wheel bucket: parallel arrays reused across turns (no per-request objects). */
class Bucket {
  n = 0;
  readonly conns: Conn[] = [];
  readonly frames: Buffer[] = [];
  /** unit id << 16 | transaction id */
  readonly ids: number[] = [];
}

const frames = new Map<number, Buffer>();
const slots = Math.ceil(delayMs / tickMs) + 2;
const wheel = Array.from({ length: slots }, () => new Bucket());
let doneSlot = Math.floor(performance.now() / tickMs);
let answers = 0;
const dirty: Conn[] = [];

/** The answer frame for a block, built once (transaction and unit ids patched per answer). */
function frameFor(fc: number, req: Buffer, at: number): Buffer {
  const start = req.readUInt16BE(at + 8);
  const count = req.readUInt16BE(at + 10);
  const known = fc <= 6 && count < 128;
  const key = (fc << 23) | (start << 7) | count;
  const hit = known ? frames.get(key) : undefined;
  if (hit) return hit;
  let pdu: Buffer;
  if (fc === 3 || fc === 4) {
    pdu = Buffer.alloc(2 + count * 2);
    pdu[1] = count * 2;
  } else if (fc === 1 || fc === 2) pdu = Buffer.from([0, 1, 1]);
  else if (fc === 5 || fc === 6) pdu = Buffer.from(req.subarray(at + 7, at + 12));
  else pdu = Buffer.from([0x80 | fc, 1]);
  if (pdu[0] === 0) pdu[0] = fc;
  const out = Buffer.alloc(7 + pdu.length);
  out.writeUInt16BE(pdu.length + 1, 4);
  pdu.copy(out, 7);
  if (known) frames.set(key, out);
  return out;
}

function enqueue(conn: Conn, frame: Buffer, unitTid: number): void {
  const slot = Math.ceil((performance.now() + delayMs) / tickMs);
  // a late timer must not let the ring wrap onto a bucket still due for an earlier slot
  if (slot - doneSlot >= slots) tick();
  const b = wheel[slot % slots] as Bucket;
  b.conns[b.n] = conn;
  b.frames[b.n] = frame;
  b.ids[b.n] = unitTid;
  b.n += 1;
}

function onData(conn: Conn, chunk: Buffer): void {
  let buf = chunk;
  if (conn.rest) {
    buf = Buffer.concat([conn.rest, chunk]);
    conn.rest = undefined;
  }
  let at = 0;
  while (buf.length - at >= 8) {
    const len = 6 + buf.readUInt16BE(at + 4);
    if (buf.length - at < len) break;
    const frame = frameFor(buf[at + 7] ?? 0, buf, at);
    enqueue(conn, frame, ((buf[at + 6] ?? 0) << 16) | buf.readUInt16BE(at));
    at += len;
  }
  if (at < buf.length) conn.rest = Buffer.from(buf.subarray(at));
  if (delayMs === 0) flush(wheel[Math.ceil(performance.now() / tickMs) % slots] as Bucket);
}

/** Writes a bucket's answers: one slab, one write per socket. */
function flush(b: Bucket): void {
  let total = 0;
  for (let i = 0; i < b.n; i++) {
    const c = b.conns[i] as Conn;
    if (!c.dirty) {
      c.dirty = true;
      dirty.push(c);
    }
    const len = (b.frames[i] as Buffer).length;
    c.bytes += len;
    total += len;
  }
  const slab = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const c of dirty) {
    c.offset = offset;
    offset += c.bytes;
  }
  for (let i = 0; i < b.n; i++) {
    const c = b.conns[i] as Conn;
    const f = b.frames[i] as Buffer;
    const at = c.offset + c.fill;
    f.copy(slab, at);
    const id = b.ids[i] as number;
    slab.writeUInt16BE(id & 0xffff, at);
    slab[at + 6] = id >>> 16;
    const fc = f[7] ?? 0;
    if ((fc === 3 || fc === 4) && (f[8] ?? 0) >= 4) {
      c.energy = (c.energy + 1) >>> 0;
      slab.writeUInt32BE(c.energy, at + 9);
    }
    c.fill += f.length;
  }
  answers += b.n;
  for (const c of dirty) {
    if (c.sock.writable) c.sock.write(slab.subarray(c.offset, c.offset + c.bytes));
    c.bytes = 0;
    c.fill = 0;
    c.dirty = false;
  }
  dirty.length = 0;
  b.n = 0;
}

function tick(): void {
  const nowSlot = Math.floor(performance.now() / tickMs);
  while (doneSlot < nowSlot) {
    doneSlot += 1;
    const b = wheel[doneSlot % slots] as Bucket;
    if (b.n > 0) flush(b);
  }
}

const server = createServer((sock) => {
  sock.setNoDelay(true);
  const conn = new Conn(sock);
  sock.on('data', (chunk: Buffer) => onData(conn, chunk));
  sock.on('error', () => undefined);
});
server.maxConnections = 20_000;
if (delayMs > 0) setInterval(tick, tickMs);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  if (!line.includes('cpu')) return;
  const cpu = process.cpuUsage();
  process.stdout.write(`cpu ${cpu.user} ${cpu.system} ${answers}\n`);
});
process.stdin.on('end', () => process.exit(0));
