import type { Clock } from '@gridbill/shared/clock';
import {
  type ModbusRefusal,
  type ReadResult,
  type RegisterMap,
  readBits,
  readRegisters,
  registerMapById,
  writableRegister,
} from '@gridbill/shared/modbus';
import type { IServiceVector } from 'modbus-serial';
import { meterBits, meterQuantities } from '../sim/meter-quantities.js';
import type { SimMeter } from '../sim/simulator.js';

type Callback<T> = (err: { modbusErrorCode: number } | null, value?: T) => void;
type Produced<T> = { ok: true; value: T } | ModbusRefusal;

export interface VectorOptions {
  /** The meter behind a unit id on this port or bus, if any. */
  lookup(unitId: number): SimMeter | undefined;
  /** Simulated now (ms). */
  now(): number;
  /** Real-time timers for slow answers. */
  timers: Clock;
  /** TCP answers unknown unit ids with exception 0x0B (gateway target failed); RTU stays silent. */
  transport: 'tcp' | 'rtu';
  onRequest?(outcome: 'ok' | 'exception' | 'silent'): void;
}

const GATEWAY_TARGET_FAILED = 0x0b;

/**
 * The modbus-serial service vector for a port or bus: unit id → meter → register map, with the
 * meter's transport faults applied (no answer, slow answer, exception codes).
 */
export function createModbusVector(options: VectorOptions): IServiceVector {
  const serve = <T>(
    unitId: number,
    cb: Callback<T>,
    produce: (m: SimMeter, t: number) => Produced<T>,
  ) => answer(options, unitId, cb, produce);
  const registers =
    (table: 'input' | 'holding') =>
    (addr: number, length: number, unitId: number, cb: Callback<number[]>) =>
      serve(unitId, cb, (m, t) =>
        all(readRegisters(mapOf(m), table, addr, length, meterQuantities(m.model, t))),
      );
  const single =
    (table: 'input' | 'holding') => (addr: number, unitId: number, cb: Callback<number>) =>
      serve(unitId, cb, (m, t) =>
        first(readRegisters(mapOf(m), table, addr, 1, meterQuantities(m.model, t))),
      );
  const bit =
    (table: 'coil' | 'discrete') => (addr: number, unitId: number, cb: Callback<boolean>) =>
      serve(unitId, cb, (m, t) => first(readBits(mapOf(m), table, addr, 1, meterBits(m.model, t))));
  return {
    getMultipleInputRegisters: registers('input'),
    getMultipleHoldingRegisters: registers('holding'),
    getInputRegister: single('input'),
    getHoldingRegister: single('holding'),
    getCoil: bit('coil'),
    getDiscreteInput: bit('discrete'),
    setCoil: (addr: number, value: boolean, unitId: number, cb: Callback<void>) =>
      serve(unitId, cb, (m, t) => writeCoil(m, t, addr, value)),
    setRegister: (addr: number, value: number, unitId: number, cb: Callback<void>) =>
      serve(unitId, cb, (m, t) => writeRegister(m, t, addr, value)),
  } as IServiceVector;
}

function answer<T>(
  options: VectorOptions,
  unitId: number,
  cb: Callback<T>,
  produce: (m: SimMeter, t: number) => Produced<T>,
): void {
  const meter = options.lookup(unitId);
  if (!meter) {
    if (options.transport === 'tcp') refuse(options, cb, GATEWAY_TARGET_FAILED);
    else options.onRequest?.('silent');
    return;
  }
  const now = options.now();
  const { model } = meter;
  if (model.activeFault('no-answer', now) || model.activeFault('power-outage', now)) {
    options.onRequest?.('silent');
    return;
  }
  const exception = model.activeFault('modbus-exception', now);
  const respond = () => {
    if (exception?.kind === 'modbus-exception') return refuse(options, cb, exception.params.code);
    const result = produce(meter, now);
    if (!result.ok) return refuse(options, cb, result.exceptionCode);
    options.onRequest?.('ok');
    cb(null, result.value);
  };
  const slow = model.activeFault('slow-answer', now);
  if (slow?.kind === 'slow-answer') options.timers.setTimeout(respond, slow.params.delayMs);
  else respond();
}

function refuse<T>(options: VectorOptions, cb: Callback<T>, code: number): void {
  options.onRequest?.('exception');
  // modbus-serial indexes the values even on error: give it an empty array
  cb({ modbusErrorCode: code }, [] as T);
}

const mapCache = new WeakMap<SimMeter, RegisterMap>();
function mapOf(meter: SimMeter): RegisterMap {
  let map = mapCache.get(meter);
  if (!map) mapCache.set(meter, (map = registerMapById(meter.config.map ?? 'gridbill-prepaid')));
  return map;
}

function first<T>(r: ReadResult<T>): Produced<T> {
  return r.ok ? { ok: true, value: r.values[0]! } : r;
}

function all<T>(r: ReadResult<T>): Produced<T[]> {
  return r.ok ? { ok: true, value: r.values } : r;
}

function writeCoil(m: SimMeter, t: number, addr: number, value: boolean) {
  const field = mapOf(m).bits.find((b) => b.table === 'coil' && b.address === addr && b.writable);
  if (!field) return { ok: false as const, exceptionCode: 2 as const, reason: `no coil ${addr}` };
  const result = m.model.operateRelay(t, value ? 'remote_reconnect' : 'remote_disconnect');
  if (!result.ok) return { ok: false as const, exceptionCode: 4 as const, reason: result.reason };
  return { ok: true as const, value: undefined };
}

function writeRegister(m: SimMeter, t: number, addr: number, value: number) {
  const found = writableRegister(mapOf(m), addr);
  if (!found.ok) return found;
  if (found.field.quantity !== 'relayControlMode' || value > 6) {
    return { ok: false as const, exceptionCode: 3 as const, reason: `bad value ${value}` };
  }
  m.model.setControlMode(t, value);
  return { ok: true as const, value: undefined };
}
