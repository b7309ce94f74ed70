import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DAY_START_MS, KEYS, loadSim, METER_NOW_MS } from './support.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

/** Runs `gridbill-edge ARGS` in-process and captures stdout, stderr and the exit code. */
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main(['node', 'gridbill-edge', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const sockets = new Set<Socket>();

function listen(onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const portOf = (s: Server) => String((s.address() as { port: number }).port);

describe('gridbill-edge probe dlms (contract)', () => {
  let sim: { port: number; close(): Promise<void> };
  let silent: Server;
  let garbage: Server;

  beforeAll(async () => {
    const mod = await loadSim();
    const meter = mod.createMemoryMeter({
      serial: 'CLI0001',
      clockMs: () => METER_NOW_MS,
      profileStartMs: DAY_START_MS,
    });
    sim = await mod.startDlmsServer({ backend: () => meter, transport: 'hdlc', port: 0 });
    silent = await listen(() => {});
    // Answers every wrapper request with a GET-Response whose data is truncated.
    garbage = await listen((socket) =>
      socket.on('data', () => socket.write(Buffer.from('0001000100100006C401C1000906', 'hex'))),
    );
  });

  afterAll(async () => {
    await sim?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
    await new Promise((r) => garbage?.close(r));
  });

  const at = () => ['probe', 'dlms', '--port', String(sim.port), '--transport', 'hdlc'];
  const management = () => [
    ...at(),
    '--client-address',
    '1',
    '--auth',
    'high-gmac',
    '--system-title',
    hex(KEYS.systemTitle),
    '--auth-key',
    hex(KEYS.authenticationKey),
    '--block-cipher-key',
    hex(KEYS.blockCipherKey),
    '--invocation-counter-obis',
    '0.0.43.1.0.255',
  ];

  it('get prints the clock as type-tagged JSON with an ISO dateTime', async () => {
    const r = await cli([...at(), 'get', '8:0-0:1.0.0*255:2']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      type: 'octet-string',
      dateTime: '2026-11-28T05:21:41.000Z',
    });
  });

  it('action remote_disconnect then get output_state reads back false (HLS-GMAC)', async () => {
    const act = await cli([
      ...management(),
      'action',
      '70:0.0.96.3.10.255:1',
      '{"type":"integer","value":0}',
    ]);
    expect(act.err).toBe('');
    expect(JSON.parse(act.out)).toEqual({ result: 'success' });
    const read = await cli([...management(), 'get', '70:0.0.96.3.10.255:2']);
    expect(JSON.parse(read.out)).toEqual({ type: 'boolean', value: false });
    const back = await cli([
      ...management(),
      'action',
      '70:0.0.96.3.10.255:2',
      '{"type":"integer","value":0}',
    ]);
    expect(back.code).toBe(0);
  });

  it('--ic-state keeps reserve-ahead counters between runs (no warning)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbill-probe-ic-'));
    try {
      const state = join(dir, 'ic.json');
      const args = management().filter(
        (x, i, all) =>
          x !== '--invocation-counter-obis' && all[i - 1] !== '--invocation-counter-obis',
      );
      const first = await cli([...args, '--ic-state', state, 'get', '70:0.0.96.3.10.255:2']);
      expect(first.code).toBe(0);
      expect(first.err).toBe('');
      const reserved1 = Object.values(JSON.parse(readFileSync(state, 'utf8')))[0] as number;
      const second = await cli([...args, '--ic-state', state, 'get', '70:0.0.96.3.10.255:2']);
      expect(second.code).toBe(0);
      const reserved2 = Object.values(JSON.parse(readFileSync(state, 'utf8')))[0] as number;
      expect(reserved2).toBeGreaterThan(reserved1);
      const bare = await cli([...args, 'get', '70:0.0.96.3.10.255:2']);
      expect(bare.code).toBe(0);
      expect(bare.err).toMatch(/warning: no --ic-state or --invocation-counter-obis/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('profile by range and objects', async () => {
    const p = await cli([
      ...at(),
      '--client-address',
      '17',
      '--auth',
      'low',
      '--password',
      'Gurux',
      'profile',
      '1.0.99.1.0.255',
      '--from',
      '2026-11-27T01:00:00Z',
      '--to',
      '2026-11-27T02:00:00Z',
    ]);
    expect(p.err).toBe('');
    const doc = JSON.parse(p.out);
    expect(doc.rows).toHaveLength(5);
    expect(doc.rows[0].timestamp).toBe('2026-11-27T01:00:00.000Z');
    const objects = JSON.parse((await cli([...at(), 'objects'])).out);
    const relay = objects.find((o: { obis: string }) => o.obis === '0.0.96.3.10.255');
    expect(relay).toMatchObject({ classId: 70, className: 'Disconnect control', version: 0 });
    expect(relay.methods).toEqual([
      { id: 1, allowed: false },
      { id: 2, allowed: false },
    ]);
    const mgmt = JSON.parse((await cli([...management(), 'objects'])).out);
    const relayMgmt = mgmt.find((o: { obis: string }) => o.obis === '0.0.96.3.10.255');
    expect(relayMgmt.methods).toEqual([
      { id: 1, allowed: true },
      { id: 2, allowed: true },
    ]);
    expect(relayMgmt.attributes[1]).toEqual({ id: 2, access: 'read' });
  });

  it('rejected association exits 4 with the AARE diagnostic', async () => {
    const r = await cli([
      ...at(),
      '--client-address',
      '17',
      '--auth',
      'low',
      '--password',
      'x',
      'objects',
    ]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/association rejected.*acse-service-user 13 \(authentication-failure\)/);
  });

  it('access denied exits 5', async () => {
    const r = await cli([
      ...at(),
      'action',
      '70:0.0.96.3.10.255:1',
      '{"type":"integer","value":0}',
    ]);
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/access denied: action 70:0.0.96.3.10.255:1 .*read-write-denied/);
  });

  it('timeout exits 3', async () => {
    const r = await cli(['probe', 'dlms', '--port', portOf(silent), '--timeout', '300', 'objects']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/timeout: no wrapper response within 300 ms/);
  });

  it('decode error exits 6 with the byte offset', async () => {
    const r = await cli([
      'probe',
      'dlms',
      '--port',
      portOf(garbage),
      '--timeout',
      '1000',
      'objects',
    ]);
    expect(r.code).toBe(6);
    expect(r.err).toMatch(/decode error: .*at offset \d+/);
  });

  it('bad input exits 2 and names the problem, without connecting', async () => {
    const cases: [string[], RegExp][] = [
      [['get', '8:0.0.1.0.0:2'], /need 6 value groups/],
      [['set', '8:0.0.1.0.0.255:2', '{"type":"octet-string","hex":"zz"}'], /VALUE_JSON.*not hex/],
      [['--auth', 'high-gmac', 'objects'], /needs --system-title/],
      [
        ['profile', '1.0.99.1.0.255', '--from', 'yesterday', '--to', '2026-11-28T00:00:00Z'],
        /--from/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['probe', 'dlms', '--port', '1', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});
