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

/** The fleet in one process: meters keyed by id, all on one simulated clock. */
export class Simulator {
  private readonly meters = new Map<string, SimMeter>();

  constructor(
    configs: readonly SimMeterConfig[],
    readonly clock: SimClock,
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
    return faultView(this.get(id).model.injectFault(this.now(), spec, durationS));
  }

  clearFaults(id: string): number {
    return this.get(id).model.clearFaults(this.now());
  }

  setLoad(id: string, load: LoadSetting): void {
    this.get(id).model.setLoad(this.now(), load);
  }

  operateRelay(id: string, trigger: RelayTrigger): RelayResult {
    return this.get(id).model.operateRelay(this.now(), trigger);
  }

  forceRelay(id: string, state: RelayControlState) {
    return this.get(id).model.forceRelay(this.now(), state);
  }

  /** POST /api/clock: change speed and/or jump forward. */
  setClock(change: { speed?: number; jumpS?: number }): void {
    try {
      if (change.jumpS !== undefined) this.clock.jump(change.jumpS * 1000);
      if (change.speed !== undefined) this.clock.setSpeed(change.speed);
    } catch (err) {
      throw new SimError((err as Error).message, 400);
    }
  }
}
