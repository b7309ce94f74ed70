import { createServer, type Server, type Socket } from 'node:net';
import ModbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { type ModbusTcpClient, ModbusTcpClient as Client } from './modbus-tcp-client.js';

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');

/** A raw TCP server on a free port; `onRequest` sees each request frame and may answer. */
async function rawServer(
  onRequest: (sock: Socket, frame: Buffer) => void,
  allowHalfOpen = false,
): Promise<Server> {
  const server = createServer({ allowHalfOpen }, (sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 6 && buf.length >= 6 + buf.readUInt16BE(4)) {
        const len = 6 + buf.readUInt16BE(4);
        onRequest(sock, buf.subarray(0, len));
        buf = buf.subarray(len);
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const portOf = (s: Server) => (s.address() as { port: number }).port;
/** MBAP header for an answer to `req` carrying `pdu`. */
const answer = (req: Buffer, pdu: Buffer, unit = req[6] ?? 0) => {
  const head = Buffer.alloc(7);
  req.copy(head, 0, 0, 2);
  head.writeUInt16BE(pdu.length + 1, 4);
  head[6] = unit;
  return Buffer.concat([head, pdu]);
};

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});
async function open(server: Server, timeoutMs = 1_000): Promise<ModbusTcpClient> {
  const client = await Client.connect('127.0.0.1', portOf(server), timeoutMs);
  cleanup.push(async () => {
    await new Promise<void>((r) => client.close(r));
    await new Promise<void>((r) => server.close(() => r()));
  });
  return client;
}

// Request/response PDUs from the examples in the MODBUS Application Protocol Specification
// V1.1b3 (modbus.org), sections 6.1-6.5; the client adds the MBAP header.
const SPEC = [
  {
    call: (c: ModbusTcpClient) => c.readCoils(19, 19),
    request: '01 0013 0013',
    response: '01 03 cd 6b 05',
    data: [1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1].map(Boolean),
  },
  {
    call: (c: ModbusTcpClient) => c.readDiscreteInputs(196, 22),
    request: '02 00c4 0016',
    response: '02 03 ac db 35',
    data: [0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1].map(Boolean),
  },
  {
    call: (c: ModbusTcpClient) => c.readHoldingRegisters(107, 3),
    request: '03 006b 0003',
    response: '03 06 022b 0000 0064',
    data: [555, 0, 100],
  },
  {
    call: (c: ModbusTcpClient) => c.readInputRegisters(8, 1),
    request: '04 0008 0001',
    response: '04 02 000a',
    data: [10],
  },
];

describe('ModbusTcpClient', () => {
  it.each(SPEC)('sends $request and decodes $response (spec example)', async (v) => {
    const seen: Buffer[] = [];
    const server = await rawServer((sock, req) => {
      seen.push(Buffer.from(req));
      sock.write(answer(req, hex(v.response)));
    });
    const client = await open(server);
    client.setID(17);
    const res = await v.call(client);
    expect(res.data).toEqual(v.data);
    expect(seen[0]?.subarray(2).toString('hex')).toBe(
      `0000 0006 11 ${v.request}`.replace(/ /g, ''),
    );
  });

  it('writes a single coil (spec example 05 00ac ff00, echoed)', async () => {
    const seen: string[] = [];
    const server = await rawServer((sock, req) => {
      seen.push(req.subarray(7).toString('hex'));
      sock.write(answer(req, req.subarray(7)));
    });
    const client = await open(server);
    await expect(client.writeCoil(172, true)).resolves.toEqual({ address: 172, state: true });
    await expect(client.writeCoil(172, false)).resolves.toEqual({ address: 172, state: false });
    expect(seen).toEqual(['0500acff00', '0500ac0000']);
  });

  it('reads from modbus-serial ServerTCP (an independent implementation)', async () => {
    const { freePort } = await import('../../test/support/sim.js');
    const port = await freePort();
    const coils = new Map<number, boolean>();
    const server = new ModbusSerial.ServerTCP(
      {
        getInputRegister: (addr: number, unit: number) => addr * 3 + unit,
        getHoldingRegister: (addr: number) => 0xffff - addr,
        getCoil: (addr: number) => coils.get(addr) ?? false,
        setCoil: (addr: number, value: boolean) => void coils.set(addr, value),
      },
      { host: '127.0.0.1', port, unitID: 255 },
    );
    await new Promise<void>((r) => server.once('initialized', () => r()));
    const client = await Client.connect('127.0.0.1', port, 1_000);
    try {
      client.setID(7);
      expect((await client.readInputRegisters(0, 26)).data).toEqual(
        Array.from({ length: 26 }, (_, i) => i * 3 + 7),
      );
      expect((await client.readHoldingRegisters(10, 2)).data).toEqual([0xfff5, 0xfff4]);
      await client.writeCoil(3, true);
      expect((await client.readCoils(0, 5)).data).toEqual([false, false, false, true, false]);
    } finally {
      await new Promise<void>((r) => client.close(r));
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('matches answers by transaction id, split or coalesced, in any order', async () => {
    const held: Buffer[] = [];
    const server = await rawServer((sock, req) => {
      held.push(answer(req, Buffer.from([4, 2, 0, req[9] ?? 0]))); // register = its address
      if (held.length < 3) return;
      const all = Buffer.concat(held.reverse());
      for (let i = 0; i < all.length; i += 5) sock.write(all.subarray(i, i + 5));
    });
    const client = await open(server);
    const out = await Promise.all([1, 2, 3].map((n) => client.readInputRegisters(n, 1)));
    expect(out.map((r) => r.data)).toEqual([[1], [2], [3]]);
  });

  it('turns an exception answer into an error with the code', async () => {
    const server = await rawServer((sock, req) => sock.write(answer(req, hex('84 02'))));
    const client = await open(server);
    const err = await client.readInputRegisters(900, 2).catch((e) => e);
    expect(err.message).toMatch(/unit 1: Modbus exception 2: illegal data address$/);
    expect(err.modbusCode).toBe(2);
  });

  it('rejects corrupt answers: protocol id, byte count, unit id, function code', async () => {
    const bad = [
      (req: Buffer) => {
        const a = answer(req, hex('04 04 0000 0001'));
        a.writeUInt16BE(0xffff, 2);
        return a;
      },
      (req: Buffer) => answer(req, hex('04 04 0000 0001 00')),
      (req: Buffer) => answer(req, hex('04 04 0000 0001'), 9),
      (req: Buffer) => answer(req, hex('03 04 0000 0001')),
    ];
    let n = 0;
    const server = await rawServer((sock, req) => sock.write((bad[n++] as (typeof bad)[0])(req)));
    const client = await open(server);
    const errors = [];
    for (let i = 0; i < bad.length; i++)
      errors.push(await client.readInputRegisters(0, 2).catch((e: Error) => e.message));
    expect(errors).toEqual([
      expect.stringMatching(/unit 1: corrupt frame \(MBAP protocol id 65535, not 0\)$/),
      expect.stringMatching(/unit 1: malformed FC4 answer \(6 PDU data bytes\)$/),
      expect.stringMatching(/unit 9: answer FC4 to a FC4 request to unit 1$/),
      expect.stringMatching(/unit 1: answer FC3 to a FC4 request to unit 1$/),
    ]);
  });

  it('times out a silent meter, ignores its late answer, and keeps working', async () => {
    const late: (() => void)[] = [];
    const server = await rawServer((sock, req) => {
      const res = answer(req, hex('04 02 0007'));
      if (late.length === 0) late.push(() => sock.write(res));
      else sock.write(res);
    });
    const client = await open(server, 50);
    const err = await client.readInputRegisters(0, 1).catch((e) => e);
    expect(err.message).toMatch(/unit 1: Timed out \(no answer to FC4 within 50 ms\)$/);
    expect(err.errno).toBe('ETIMEDOUT');
    late[0]?.();
    expect((await client.readInputRegisters(0, 1)).data).toEqual([7]);
  });

  it('re-arms the timeout per request, and times overlapping requests on their own', async () => {
    const server = await rawServer((sock, req) => {
      const address = req.readUInt16BE(8);
      const res = answer(req, Buffer.from([4, 2, 0, address]));
      if (address === 1) setTimeout(() => sock.write(res), 60); // answered inside 80 ms
      if (address === 3) sock.write(res); // at once
    });
    const client = await open(server, 80);
    expect((await client.readInputRegisters(1, 1)).data).toEqual([1]);
    let settled = false;
    const silent = client.readInputRegisters(2, 1).finally(() => {
      settled = true;
    });
    const overlapping = client.readInputRegisters(4, 1).catch((e: Error) => e.message);
    expect((await client.readInputRegisters(3, 1)).data).toEqual([3]);
    await new Promise((r) => setTimeout(r, 40));
    expect(settled).toBe(false); // a timer left from the first request would have fired by now
    await expect(silent).rejects.toThrow(/Timed out \(no answer to FC4 within 80 ms\)$/);
    expect(await overlapping).toMatch(/Timed out/);
  });

  it('fails pending and later requests when the connection drops', async () => {
    const server = await rawServer((sock) => sock.destroy());
    const client = await open(server);
    const err = await client.readInputRegisters(0, 1).catch((e) => e);
    expect(err.message).toMatch(/connection closed, no answer to FC4$/);
    expect(client.isOpen).toBe(false);
    const again = await client.readInputRegisters(0, 1).catch((e) => e);
    expect(again.message).toMatch(/Port Not Open$/);
    expect(again.errno).toBe('ECONNREFUSED');
  });

  it('closes within the timeout even when the peer never finishes the close', async () => {
    const server = await rawServer(() => undefined, true); // keeps its half open
    const client = await Client.connect('127.0.0.1', portOf(server), 50);
    let closed = false;
    client.close(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false); // still waiting for the peer
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(true);
    expect(client.isOpen).toBe(false);
    server.close();
  });

  it('drops a stream it can no longer frame', async () => {
    const server = await rawServer((sock) => sock.write(hex('0001 0000 0000 01 04 00')));
    const client = await open(server);
    const err = await client.readInputRegisters(0, 1).catch((e) => e);
    expect(err.message).toMatch(/corrupt stream: MBAP length 0 \(3\.\.254\), no answer to FC4$/);
    expect(client.isOpen).toBe(false);
  });
});
