import { ManualClock } from '@gridbill/shared/clock';
import { describe, expect, it } from 'vitest';
import { buildMeters } from '../fleet/build-meters.js';
import { fleetSchema } from '../fleet/fleet-schema.js';
import { SimClock } from '../meter/sim-clock.js';
import { SimError, Simulator } from './simulator.js';

describe('Simulator', () => {
  it('logs every technician action as a structured record', () => {
    const fleet = fleetSchema.parse({
      meters: [{ id: 'a', protocol: 'modbus', transport: 'tcp', port: 1, unitId: 1 }],
    });
    const logs: [Record<string, unknown>, string][] = [];
    const clock = new SimClock(new ManualClock({ wallMs: 0 }), { startMs: 0 });
    const sim = new Simulator(buildMeters(fleet), clock, (f, m) => logs.push([f, m]));
    sim.injectFault('a', { kind: 'tamper' }, 60);
    sim.clearFaults('a');
    sim.operateRelay('a', 'remote_disconnect');
    sim.forceRelay('a', 1);
    sim.setLoad('a', { constantW: 10 });
    sim.setClock({ jumpS: 10 });
    expect(logs.map(([, m]) => m)).toEqual([
      'fault injected',
      'faults cleared',
      'relay trigger',
      'relay switched by technician',
      'load set',
      'clock changed',
    ]);
    expect(logs[0]![0]).toMatchObject({ meter: 'a', kind: 'tamper', endMs: 60_000 });
    expect(() => sim.get('zz')).toThrow(SimError);
    expect(() => sim.setClock({ jumpS: -1 })).toThrow(/only moves forward/);
    expect(logs).toHaveLength(6);
  });
});
