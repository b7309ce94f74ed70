/**
 * Minimal Modbus TCP responder for edge benchmarks (not a meter model): answers FC03/FC04
 * with `count` registers holding an increasing energy value after DELAY_MS, FC01/FC02 with a
 * closed relay bit. Run as a child process: `node --import tsx bench/edge-modbus-responder.ts
 * PORT DELAY_MS`; prints "ready" when listening.
 */
import { createServer, type Socket } from 'node:net';

const port = Number(process.argv[2] ?? 0);
const delayMs = Number(process.argv[3] ?? 0);
let energy = 1_000;

function answer(req: Buffer): Buffer {
  const fc = req[7] ?? 0;
  const count = req.readUInt16BE(10);
  if (fc === 3 || fc === 4) {
    const pdu = Buffer.alloc(2 + count * 2);
    pdu[0] = fc;
    pdu[1] = count * 2;
    energy += 1;
    if (count >= 2) pdu.writeUInt32BE(energy, 2);
    return frame(req, pdu);
  }
  return frame(req, Buffer.from([fc, 1, 1]));
}

function frame(req: Buffer, pdu: Buffer): Buffer {
  const head = Buffer.alloc(7);
  req.copy(head, 0, 0, 4); // transaction id, protocol id
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = req[6] ?? 1;
  return Buffer.concat([head, pdu]);
}

function serve(sock: Socket): void {
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  sock.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 7) {
      const len = 6 + buf.readUInt16BE(4);
      if (buf.length < len) break;
      const req = buf.subarray(0, len);
      buf = buf.subarray(len);
      const res = answer(Buffer.from(req));
      if (delayMs > 0) setTimeout(() => sock.writable && sock.write(res), delayMs);
      else sock.write(res);
    }
  });
  sock.on('error', () => undefined);
}

const server = createServer(serve);
server.maxConnections = 20_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : port}\n`);
});
