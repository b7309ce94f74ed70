import type { SimMeterConfig } from '../fleet/build-meters.js';
import type { FaultSpec } from '../meter/faults.js';
import { faultView } from '../meter/faults.js';
import type { LoadSetting } from '../meter/load-shapes.js';
import type { RelayControlState, RelayTrigger } from '../meter/relay-table.js';
import type { SimClock } from '../meter/sim-clock.js';
import { type RelayResult, VirtualMeter } from '../meter/virtual-meter.js';

export interface SimMeter {
  config: SimMeterConfig;
  model: VirtualMeter;
}

/** A request the simulator refuses; `status` is the HTTP status the control API returns. */
export class SimError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
  }
}

/** Structured log sink (pino's `logger.info` fits). */
export type SimLog = (fields: Record<string, unknown>, message: string) => void;

/** The fleet in one process: meters keyed by id, all on one simulated clock. */
export class Simulator {
  private readonly meters = new Map<string, SimMeter>();

  constructor(
    configs: readonly SimMeterConfig[],
    readonly clock: SimClock,
    private readonly log: SimLog = () => undefined,
  ) {
    const startMs = clock.wallMs();
    for (const config of configs) {
      this.meters.set(config.spec.id, { config, model: new VirtualMeter(config.spec, startMs) });
    }
  }

  now(): number {
    return this.clock.wallMs();
  }

  list(): SimMeter[] {
    return [...this.meters.values()];
  }

  get(id: string): SimMeter {
    const meter = this.meters.get(id);
    if (!meter) throw new SimError(`no meter with id "${id}"`, 404);
    return meter;
  }

  injectFault(id: string, spec: FaultSpec, durationS?: number) {
    const fault = faultView(this.get(id).model.injectFault(this.now(), spec, durationS));
    this.log({ meter: id, ...fault }, 'fault injected');
    return fault;
  }

  clearFaults(id: string): number {
    const cleared = this.get(id).model.clearFaults(this.now());
    this.log({ meter: id, cleared }, 'faults cleared');
    return cleared;
  }

  setLoad(id: string, load: LoadSetting): void {
    this.get(id).model.setLoad(this.now(), load);
    this.log({ meter: id, load }, 'load set');
  }

  operateRelay(id: string, trigger: RelayTrigger): RelayResult {
    const result = this.get(id).model.operateRelay(this.now(), trigger);
    this.log({ meter: id, trigger, ...result }, 'relay trigger');
    return result;
  }

  forceRelay(id: string, state: RelayControlState) {
    const relay = this.get(id).model.forceRelay(this.now(), state);
    this.log({ meter: id, relay }, 'relay switched by technician');
    return relay;
  }

  /** POST /api/clock: change speed and/or jump forward. */
  setClock(change: { speed?: number; jumpS?: number }): void {
    try {
      if (change.jumpS !== undefined) this.clock.jump(change.jumpS * 1000);
      if (change.speed !== undefined) this.clock.setSpeed(change.speed);
    } catch (err) {
      throw new SimError((err as Error).message, 400);
    }
    this.log({ ...change, simTimeMs: this.now() }, 'clock changed');
  }
}
