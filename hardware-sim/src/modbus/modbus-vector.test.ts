import { ManualClock } from '@gridbill/shared/clock';
import { describe, expect, it } from 'vitest';
import { buildMeters } from '../fleet/build-meters.js';
import { fleetSchema } from '../fleet/fleet-schema.js';
import { SimClock } from '../meter/sim-clock.js';
import { Simulator } from '../sim/simulator.js';
import { corruptFrame } from './frame-corruption.js';
import { frameGapMs } from './modbus-rtu.js';
import { createModbusVector } from './modbus-vector.js';

type Cb = (err: { modbusErrorCode: number } | null, value?: unknown) => void;
type Fn = (...args: unknown[]) => void;

function setup(transport: 'tcp' | 'rtu') {
  const fleet = fleetSchema.parse({
    meters: [
      { id: 'a', protocol: 'modbus', transport: 'tcp', port: 1, unitId: 1, load: { kW: 3.6 } },
    ],
  });
  const timers = new ManualClock({ wallMs: 0 });
  const sim = new Simulator(buildMeters(fleet), new SimClock(timers, { startMs: 0, speed: 3600 }));
  const outcomes: string[] = [];
  const vector = createModbusVector({
    lookup: (unit) => (unit === 1 ? sim.get('a') : undefined),
    now: () => sim.now(),
    timers,
    transport,
    onRequest: (o) => outcomes.push(o),
  }) as unknown as Record<string, Fn>;
  const call = (name: string, ...args: unknown[]) => {
    const replies: [unknown, unknown][] = [];
    vector[name]!(...args, ((err, value) => replies.push([err, value])) as Cb);
    return replies;
  };
  return { sim, timers, call, outcomes };
}

describe('Modbus service vector', () => {
  it('serves the prepaid map and refuses unmapped addresses with exception 2', () => {
    const { timers, call } = setup('tcp');
    timers.advance(1000); // one simulated hour at 3.6 kW
    expect(call('getMultipleInputRegisters', 0, 2, 1)).toEqual([[null, [0, 3600]]]);
    expect(call('getMultipleInputRegisters', 300, 2, 1)).toEqual([[{ modbusErrorCode: 2 }, []]]);
  });

  it('answers unknown units with 0x0B on TCP and silence on RTU', () => {
    expect(setup('tcp').call('getInputRegister', 0, 9)).toEqual([[{ modbusErrorCode: 0x0b }, []]]);
    const rtu = setup('rtu');
    expect(rtu.call('getInputRegister', 0, 9)).toEqual([]);
    expect(rtu.outcomes).toEqual(['silent']);
  });

  it('applies no-answer, slow-answer and exception faults', () => {
    const { sim, timers, call } = setup('tcp');
    sim.injectFault('a', { kind: 'no-answer' }, 60);
    expect(call('getCoil', 0, 1)).toEqual([]);
    sim.clearFaults('a');
    sim.injectFault('a', { kind: 'slow-answer', params: { delayMs: 1500 } });
    const slow = call('getCoil', 0, 1);
    timers.advance(1499);
    expect(slow).toEqual([]);
    timers.advance(1);
    expect(slow).toEqual([[null, true]]);
    sim.clearFaults('a');
    sim.injectFault('a', { kind: 'modbus-exception', params: { code: 6 } });
    expect(call('getHoldingRegister', 0, 1)).toEqual([[{ modbusErrorCode: 6 }, []]]);
  });

  it('writes: relay coil runs class 70 triggers, control mode register is checked', () => {
    const { sim, call } = setup('tcp');
    expect(call('setCoil', 0, false, 1)).toEqual([[null, undefined]]);
    expect(sim.get('a').model.relayView(sim.now()).state).toBe('disconnected');
    expect(call('setCoil', 0, false, 1)).toEqual([[{ modbusErrorCode: 4 }, []]]);
    expect(call('setRegister', 0, 9, 1)).toEqual([[{ modbusErrorCode: 3 }, []]]);
    expect(call('setRegister', 0, 2, 1)).toEqual([[null, undefined]]);
    expect(sim.get('a').model.relayView(sim.now()).controlMode).toBe(2);
  });

  it('corrupts RTU CRCs and TCP headers', () => {
    const rtu = corruptFrame(Buffer.from([1, 4, 2, 0, 5, 0x78, 0xf3]), 'rtu');
    expect([...rtu]).toEqual([1, 4, 2, 0, 5, 0x87, 0x0c]);
    const tcp = corruptFrame(Buffer.from([0, 1, 0, 0, 0, 5, 1, 4, 2, 0, 5]), 'tcp');
    expect([...tcp]).toEqual([0, 1, 0xff, 0xff, 0, 5, 1, 4, 2, 0, 0xfa]);
  });

  it('ends RTU frames after 3.5 characters of silence at the bus speed', () => {
    expect([frameGapMs(9600), frameGapMs(1200), frameGapMs(115200)]).toEqual([7, 35, 3]);
  });
});
