import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../edge/src/config/index.js';
import { fleetSchema } from '../../hardware-sim/src/fleet/fleet-schema.js';
import { compileTariff, parseTariffVersion } from '../../shared/src/tariff/index.js';
import { buildDemoPlan, type DemoPlanInput } from './demo-plan.js';
import { priceForSlot } from './demo-tariffs.js';

const input: DemoPlanInput = {
  meterCount: 200,
  startMs: Date.UTC(2026, 10, 28, 6, 0),
  dataDir: '/tmp/gridbill-demo',
  withRtu: true,
  ports: {
    central: 8080,
    simControl: 8090,
    edgeHttp: 8470,
    modbusTcp: 15020,
    dlmsWrapper: 14059,
    mqtt: 1883,
  },
};

function count<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('demo plan', () => {
  const plan = buildDemoPlan(input);

  it('mixes the four transports and three account modes over 200 meters', () => {
    expect(count(plan.meters, (m) => m.transport)).toEqual({
      'modbus-tcp': 90,
      'modbus-rtu': 30,
      'dlms-wrapper': 60,
      'dlms-hdlc': 20,
    });
    expect(count(plan.meters, (m) => m.mode)).toEqual({ prepaid: 120, postpaid: 40, hybrid: 40 });
    const nearZero = plan.meters.filter((m) => m.mode === 'prepaid' && m.openingBalanceMinor < 300);
    expect(nearZero.length).toBeGreaterThanOrEqual(3);
  });

  it('gives unique addresses per port or bus', () => {
    const keys = plan.meters.map((m) => `${m.transport}/${m.address}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Math.max(...plan.meters.map((m) => m.address))).toBeLessThanOrEqual(247);
  });

  it('without socat, serial meters move to TCP transports', () => {
    const tcpOnly = buildDemoPlan({ ...input, withRtu: false });
    const transports = new Set(tcpOnly.meters.map((m) => m.transport));
    expect([...transports].sort()).toEqual(['dlms-wrapper', 'modbus-tcp']);
    expect(gatewayConfigSchema.safeParse(tcpOnly.edgeConfig).success).toBe(true);
  });

  it('writes a fleet file the simulator accepts', () => {
    const parsed = fleetSchema.safeParse(plan.fleet);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('writes a gateway configuration the edge accepts', () => {
    const parsed = gatewayConfigSchema.safeParse(plan.edgeConfig);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('ships tariffs the tariff engine compiles, with a price series covering the start', () => {
    for (const t of plan.tariffs)
      expect(() => compileTariff([parseTariffVersion(t)])).not.toThrow();
    const ids = plan.tariffs.map((t) => t.tariffId).sort();
    expect(ids).toEqual(['cn-zj-residential-tou', 'demo-dynamic', 'demo-tou']);
    const dynamic = JSON.stringify(plan.tariffs.find((t) => t.tariffId === 'demo-dynamic'));
    expect(dynamic).toContain('"start":"2026-11-27T16:00:00.000Z"'); // Shanghai midnight
  });

  it('prices the dynamic tariff as a daily wave', () => {
    expect(priceForSlot(36)).toBe('1.10');
    expect(priceForSlot(6)).toBe('0.30');
    expect(priceForSlot(35)).toBe('1.05');
  });
});
