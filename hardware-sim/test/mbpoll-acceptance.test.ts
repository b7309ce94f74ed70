import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '@gridbill/shared/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetSchema } from '../src/fleet/fleet-schema.js';
import { type RunningFleet, startFleet } from '../src/runner/start-fleet.js';
import type { MeterView } from '../src/sim/meter-view.js';
import { api, mbpoll, mbpollValues, silentLogger } from './helpers.js';

// Independent client (Debian's mbpoll, libmodbus) reads Modbus TCP and RTU over a socat PTY.
let fleet: RunningFleet;
let dir: string;
let tcpPort: number;
let bus: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridbill-sim-'));
  bus = join(dir, 'bus1');
  const meters = [
    { id: 'p1', transport: 'tcp', port: 0, unitId: 1, map: 'gridbill-prepaid' },
    { id: 's120', transport: 'tcp', port: 0, unitId: 2, map: 'sdm120' },
    {
      id: 's630',
      transport: 'tcp',
      port: 0,
      unitId: 3,
      map: 'sdm630',
      load: { shape: 'commercial' },
    },
    { id: 'r5', transport: 'rtu', ptyLink: bus, unitId: 5, map: 'sdm120' },
    { id: 'r6', transport: 'rtu', ptyLink: bus, unitId: 6, map: 'gridbill-prepaid' },
  ].map((m) => ({ protocol: 'modbus', ...m }));
  fleet = await startFleet({
    fleet: fleetSchema.parse({ seed: 11, startTime: '2026-01-05T06:00:00Z', speed: 7200, meters }),
    baseClock: createSystemClock(),
    logger: silentLogger,
    controlPort: 0,
  });
  tcpPort = fleet.endpoints.find((e) => e.transport === 'tcp')!.port!;
  await new Promise((r) => setTimeout(r, 500)); // an hour of simulated load
  await api(fleet.controlPort, '/api/clock', { method: 'POST', body: '{"speed":0}' });
});

afterAll(async () => {
  await fleet?.close();
  rmSync(dir, { recursive: true, force: true });
});

const view = async (id: string) =>
  (await api<MeterView>(fleet.controlPort, `/api/meters/${id}`)).body;
const tcp = (unit: number, ...args: string[]) => {
  const at = args.indexOf('--');
  const [opts, writes] = at < 0 ? [args, []] : [args.slice(0, at), args.slice(at + 1)];
  return mbpoll([
    '-m',
    'tcp',
    '-p',
    String(tcpPort),
    '-a',
    String(unit),
    ...opts,
    '127.0.0.1',
    ...writes,
  ]);
};
const rtu = (unit: number, ...args: string[]) =>
  mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', String(unit), ...args, bus]);

describe('mbpoll reads what the control API reports (clock frozen)', () => {
  it('Gridbill prepaid over TCP: integer Wh registers and relay coil', async () => {
    const v = await view('p1');
    expect(v.registers.importWh).toBeGreaterThan(100);
    const read = await tcp(1, '-t', '3:int', '-B', '-r', '0', '-c', '6');
    expect(read.code, read.out).toBe(0);
    const values = mbpollValues(read.out);
    expect(values.get(0)).toBe(v.registers.importWh);
    expect(values.get(2)).toBe(v.registers.exportWh);
    expect(values.get(4)).toBe(v.registers.importRateWh[0]);
    const coil = mbpollValues((await tcp(1, '-t', '0', '-r', '0')).out);
    expect(coil.get(0)).toBe(1);
  });

  it('Eastron SDM120 and SDM630 over TCP: float32 kWh, V and W', async () => {
    const v = await view('s120');
    const energy = mbpollValues((await tcp(2, '-t', '3:float', '-B', '-r', '72', '-c', '2')).out);
    expect(energy.get(72)).toBeCloseTo(v.registers.importWh / 1000, 6);
    const volts = mbpollValues((await tcp(2, '-t', '3:float', '-B', '-r', '0')).out);
    expect(volts.get(0)).toBeCloseTo(v.instantaneous.voltageV[0]!, 4);
    const t = await view('s630');
    const power = mbpollValues((await tcp(3, '-t', '3:float', '-B', '-r', '52')).out);
    expect(power.get(52)).toBe(t.powerW);
    const phases = mbpollValues((await tcp(3, '-t', '3:float', '-B', '-r', '0', '-c', '3')).out);
    expect([phases.get(0), phases.get(2), phases.get(4)]).toEqual(
      t.instantaneous.voltageV.map((x) => Math.fround(x)).map((x) => Number(x.toPrecision(6))),
    );
  });

  it('two meters on one RTU bus over a PTY answer by unit id', async () => {
    const a = await view('r5');
    const b = await view('r6');
    const fa = mbpollValues((await rtu(5, '-t', '3:float', '-B', '-r', '72')).out);
    expect(fa.get(72)).toBeCloseTo(a.registers.importWh / 1000, 6);
    const read = await rtu(6, '-t', '3:int', '-B', '-r', '0');
    expect(read.code, read.out).toBe(0);
    expect(mbpollValues(read.out).get(0)).toBe(b.registers.importWh);
    const silent = await rtu(9, '-t', '3:int', '-B', '-r', '0');
    expect(silent.out).toMatch(/timed out/i);
  });
});

describe('faults seen through mbpoll', () => {
  it('exception codes, silence and bad CRC, then cleared', async () => {
    const inject = (id: string, body: object) =>
      api(fleet.controlPort, `/api/meters/${id}/faults`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
    expect(
      (await inject('p1', { kind: 'modbus-exception', params: { code: 2 }, durationS: 600 }))
        .status,
    ).toBe(201);
    expect((await tcp(1, '-t', '3:int', '-B', '-r', '0')).out).toMatch(/illegal data address/i);
    await inject('s120', { kind: 'no-answer' });
    expect((await tcp(2, '-t', '3:float', '-B', '-r', '0')).out).toMatch(/timed out/i);
    await inject('r5', { kind: 'corrupt-frames' });
    expect((await rtu(5, '-t', '3:float', '-B', '-r', '0')).out).toMatch(/crc/i);
    for (const id of ['p1', 's120', 'r5']) {
      await api(fleet.controlPort, `/api/meters/${id}/faults`, { method: 'DELETE' });
    }
    expect((await rtu(5, '-t', '3:float', '-B', '-r', '0')).code).toBe(0);
    expect((await tcp(1, '-t', '3:int', '-B', '-r', '0')).code).toBe(0);
  });

  it('writing the relay coil runs remote_disconnect; the API shows it', async () => {
    const write = await tcp(1, '-t', '0', '-r', '0', '--', '0');
    expect(write.code, write.out).toBe(0);
    const v = await view('p1');
    expect(v.relay).toMatchObject({ state: 'disconnected', outputState: false });
    const status = mbpollValues((await tcp(1, '-t', '3', '-r', '19')).out);
    expect(status.get(19)).toBe(0);
  });
});
