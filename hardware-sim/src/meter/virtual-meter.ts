import { BoundedLog } from './bounded-log.js';
import { EnergyRegisters, type RegisterValues } from './energy-registers.js';
import { EVENT_CODES, type EventName, type MeterEvent } from './event-codes.js';
import type { ActiveFault, FaultKind, FaultSpec } from './faults.js';
import { type Instantaneous, instantaneous } from './instantaneous.js';
import { LOAD_SHAPES, type LoadSetting, shapePowerW } from './load-shapes.js';
import { localMinute } from './local-time.js';
import type { MeterSpec } from './meter-spec.js';
import { type ProfileCapture, ProfileRing } from './profile-ring.js';
import {
  RELAY_STATE_NAMES,
  type RelayControlState,
  type RelayTrigger,
  relayTransition,
} from './relay-table.js';
import { touRate } from './tou.js';

export type { ProfileCapture };

const MINUTE_MS = 60_000;
const QUARTER_MS = 900_000;

/** Load profile status bits (IDIS AMR profile status subset). */
export const PROFILE_STATUS = { dataNotValid: 0x04, clockAdjusted: 0x20, powerDown: 0x80 } as const;

export interface RelayView {
  state: (typeof RELAY_STATE_NAMES)[number];
  controlState: RelayControlState;
  outputState: boolean;
  controlMode: number;
}

export type RelayResult = { ok: true; relay: RelayView } | { ok: false; reason: string };

/**
 * A virtual meter evaluated lazily: every public call first advances the model to `nowMs`
 * (simulated UTC ms), integrating minute-constant power in exact integer W·ms. No timers:
 * 10 000 idle meters cost nothing. Same spec + same calls at the same times = same state.
 */
export class VirtualMeter {
  serial: string;
  private lastMs: number;
  private readonly energy: EnergyRegisters;
  private load: LoadSetting;
  private quarterImportWms = 0;
  private quarterStatus = 0;
  private demand = { lastW: 0, maxW: 0 };
  private clockOffsetMs = 0;
  private readonly relay: { controlState: RelayControlState; outputState: boolean; mode: number };
  private faults: ActiveFault[] = [];
  private faultCount = 0;
  private readonly profile: ProfileRing;
  private readonly events: BoundedLog<MeterEvent>;

  constructor(
    readonly spec: MeterSpec,
    startMs: number,
  ) {
    this.serial = spec.serial;
    this.lastMs = startMs;
    this.energy = new EnergyRegisters(spec.registerDigits, spec.start);
    this.load = spec.load;
    const { controlState, controlMode } = spec.relay;
    const state = controlMode === 0 ? 1 : controlState;
    this.relay = { controlState: state, outputState: state === 1, mode: controlMode };
    this.profile = new ProfileRing(spec.profileCapacity);
    this.events = new BoundedLog(spec.eventCapacity);
  }

  /** Integrates energy up to `nowMs`; earlier times are ignored (time never runs back). */
  advanceTo(nowMs: number): void {
    let t = this.lastMs;
    while (t < nowMs) {
      const minuteEnd = (Math.floor(t / MINUTE_MS) + 1) * MINUTE_MS;
      const next = Math.min(nowMs, minuteEnd, this.nextFaultEnd(t));
      this.integrate(t, next);
      t = next;
      this.lastMs = t;
      if (t % QUARTER_MS === 0) this.closeQuarter(t);
      this.expireFaults(t);
    }
  }

  registers(nowMs: number): RegisterValues {
    this.advanceTo(nowMs);
    return this.energy.values();
  }

  demandW(nowMs: number): { lastW: number; maxW: number } {
    this.advanceTo(nowMs);
    return { ...this.demand };
  }

  /** Meter clock (UTC ms): simulated time + accumulated offset from jumps and drift. */
  meterClockMs(nowMs: number): number {
    this.advanceTo(nowMs);
    return Math.round(Math.max(nowMs, this.lastMs) + this.clockOffsetMs);
  }

  /** Sets the meter clock (DLMS SET on the clock object); logs old and new times. */
  setMeterClockMs(nowMs: number, meterClockMs: number): void {
    const old = this.meterClockMs(nowMs);
    this.clockOffsetMs = meterClockMs - nowMs;
    this.log('clockAdjustedOld', nowMs, { meterClockMs: old }, old);
    this.log('clockAdjustedNew', nowMs, { meterClockMs });
    this.quarterStatus |= PROFILE_STATUS.clockAdjusted;
  }

  instantaneous(nowMs: number): Instantaneous {
    this.advanceTo(nowMs);
    const minute = Math.floor(nowMs / MINUTE_MS);
    const pf = 'shape' in this.load ? LOAD_SHAPES[this.load.shape].powerFactor : 0.95;
    return instantaneous(this.powerAt(nowMs), pf, this.spec.phaseCount, this.spec.seed, minute);
  }

  /** Net power in W the meter sees at `t` (0 while the relay is open or power is out). */
  powerAt(t: number): number {
    if (!this.relay.outputState || this.activeFault('power-outage', t)) return 0;
    const minute = Math.floor(t / MINUTE_MS);
    let p = shapePowerW(this.load, localMinute(t, this.spec.timeZone), this.spec.seed, minute);
    if (this.activeFault('reverse-flow', t)) p = -p;
    const spike = this.activeFault('consumption-spike', t);
    if (spike?.kind === 'consumption-spike') p = Math.round(p * spike.params.factor);
    return p;
  }

  setLoad(nowMs: number, load: LoadSetting): void {
    this.advanceTo(nowMs);
    this.load = load;
  }

  loadSetting(): LoadSetting {
    return this.load;
  }

  profileRows(fromMs = -Infinity, toMs = Infinity): ProfileCapture[] {
    return this.profile.rows(fromMs, toMs);
  }

  eventRows(fromMs = -Infinity, toMs = Infinity): MeterEvent[] {
    return this.events.filter((e) => e.simMs >= fromMs && e.simMs <= toMs);
  }

  relayView(nowMs: number): RelayView {
    this.advanceTo(nowMs);
    const { controlState, outputState, mode } = this.relay;
    return { state: RELAY_STATE_NAMES[controlState], controlState, outputState, controlMode: mode };
  }

  /** Applies a class 70 trigger; refuses (changing nothing) when the mode does not allow it. */
  operateRelay(nowMs: number, trigger: RelayTrigger): RelayResult {
    this.advanceTo(nowMs);
    const from = this.relay.controlState;
    const tr = relayTransition(from, this.relay.mode, trigger);
    if (!tr) {
      const state = RELAY_STATE_NAMES[from];
      return {
        ok: false,
        reason: `${trigger} is not allowed from ${state} in control mode ${this.relay.mode}`,
      };
    }
    this.switchRelay(nowMs, tr.to, TRIGGER_EVENTS[trigger](tr.to));
    return { ok: true, relay: this.relayView(nowMs) };
  }

  /** A technician's manual switch at the meter: sets the state whatever the mode allows. */
  forceRelay(nowMs: number, state: RelayControlState): RelayView {
    this.advanceTo(nowMs);
    this.switchRelay(nowMs, state, state === 1 ? 'manualConnection' : 'manualDisconnection');
    return this.relayView(nowMs);
  }

  setControlMode(nowMs: number, mode: number): void {
    if (!Number.isInteger(mode) || mode < 0 || mode > 6) {
      throw new RangeError(`control mode must be an integer 0..6, got ${mode}`);
    }
    this.advanceTo(nowMs);
    this.relay.mode = mode;
    if (mode === 0) this.switchRelay(nowMs, 1, 'manualConnection');
  }

  /** Injects a fault at `nowMs` for `durationS` simulated seconds (undefined = until cleared). */
  injectFault(nowMs: number, spec: FaultSpec, durationS?: number): ActiveFault {
    this.advanceTo(nowMs);
    const endMs = durationS === undefined ? Infinity : nowMs + Math.round(durationS * 1000);
    const fault = { ...spec, id: `${spec.kind}-${++this.faultCount}`, startMs: nowMs, endMs };
    this.applyFaultStart(nowMs, fault);
    this.faults.push(fault);
    return fault;
  }

  /** Ends every active fault now. Returns how many were cleared. */
  clearFaults(nowMs: number): number {
    this.advanceTo(nowMs);
    const active = this.faults;
    this.faults = [];
    for (const f of active) this.applyFaultEnd(nowMs, f);
    return active.length;
  }

  activeFaults(nowMs: number): ActiveFault[] {
    this.advanceTo(nowMs);
    return this.faults.filter((f) => f.startMs <= nowMs && nowMs < f.endMs);
  }

  /** The first active fault of `kind` at `t` (no advancing: safe inside integration). */
  activeFault(kind: FaultKind, t: number): ActiveFault | undefined {
    for (const f of this.faults) if (f.kind === kind && f.startMs <= t && t < f.endMs) return f;
    return undefined;
  }

  private integrate(from: number, to: number): void {
    const p = this.powerAt(from);
    const wms = p * (to - from);
    const drift = this.activeFault('clock-drift', from);
    const ppm = drift?.kind === 'clock-drift' ? drift.params.ppm : this.spec.clockDriftPpm;
    this.clockOffsetMs += (ppm * (to - from)) / 1e6;
    if (!this.relay.outputState || this.activeFault('power-outage', from)) {
      this.quarterStatus |= PROFILE_STATUS.powerDown;
    }
    if (wms > 0) {
      this.quarterImportWms += wms;
      const rate = touRate(this.spec.tou, localMinute(from, this.spec.timeZone));
      this.logRollovers(to, this.energy.addImport(wms, rate));
    } else if (wms < 0) {
      this.logRollovers(to, this.energy.addExport(-wms));
    }
  }

  private closeQuarter(t: number): void {
    this.demand.lastW = Math.round(this.quarterImportWms / QUARTER_MS);
    this.demand.maxW = Math.max(this.demand.maxW, this.demand.lastW);
    this.quarterImportWms = 0;
    const { importWh, exportWh } = this.energy.values();
    const meterClockMs = Math.round(t + this.clockOffsetMs);
    this.profile.push({ simMs: t, meterClockMs, status: this.quarterStatus, importWh, exportWh });
    this.quarterStatus = 0;
  }

  private nextFaultEnd(t: number): number {
    let next = Infinity;
    for (const f of this.faults) if (f.endMs > t && f.endMs < next) next = f.endMs;
    return next;
  }

  private expireFaults(t: number): void {
    if (!this.faults.some((f) => f.endMs <= t)) return;
    const ended = this.faults.filter((f) => f.endMs <= t);
    this.faults = this.faults.filter((f) => f.endMs > t);
    for (const f of ended) this.applyFaultEnd(t, f);
  }

  private switchRelay(nowMs: number, to: RelayControlState, event: EventName): void {
    this.relay.controlState = to;
    if (this.activeFault('stuck-relay', nowMs)) {
      this.log('relayFailure', nowMs, { requested: RELAY_STATE_NAMES[to] });
      return;
    }
    this.relay.outputState = to === 1;
    this.log(event, nowMs);
  }

  private applyFaultStart(nowMs: number, fault: ActiveFault): void {
    const regs = this.energy.values();
    if (fault.kind === 'clock-jump') {
      const old = this.meterClockMs(nowMs);
      this.clockOffsetMs += fault.params.seconds * 1000;
      this.log('clockAdjustedOld', nowMs, { meterClockMs: old }, old);
      this.log('clockAdjustedNew', nowMs, { meterClockMs: this.meterClockMs(nowMs) });
      this.quarterStatus |= PROFILE_STATUS.clockAdjusted;
    } else if (fault.kind === 'clock-drift') {
      this.log('clockDriftChanged', nowMs, { ppm: fault.params.ppm });
    } else if (fault.kind === 'register-reset') {
      this.overwriteRegisters(nowMs, 'registerReset', regs, 0);
    } else if (fault.kind === 'register-rollover') {
      const presetWh = this.energy.modulus - fault.params.marginWh;
      this.overwriteRegisters(nowMs, 'registerPreset', regs, presetWh);
    } else if (fault.kind === 'meter-swap') {
      const newSerial = fault.params.serial ?? `${this.spec.serial}-R${this.faultCount}`;
      const detail = { oldSerial: this.serial, newSerial, oldImportWh: regs.importWh };
      this.log('meterSwap', nowMs, detail);
      this.serial = newSerial;
      this.demand = { lastW: 0, maxW: 0 };
      this.overwriteRegisters(nowMs, 'registerReset', regs, 0);
    } else if (fault.kind === 'power-outage') {
      this.quarterStatus |= PROFILE_STATUS.powerDown;
      this.log('powerDown', nowMs);
    } else if (fault.kind === 'consumption-spike') {
      this.log('consumptionSpike', nowMs, { factor: fault.params.factor });
    } else if (fault.kind === 'tamper' || fault.kind === 'reverse-flow') {
      this.log(fault.kind === 'tamper' ? 'meterCoverRemoved' : 'reverseFlowStart', nowMs);
    }
  }

  private applyFaultEnd(t: number, fault: ActiveFault): void {
    if (fault.kind === 'power-outage') this.log('powerUp', t);
  }

  private overwriteRegisters(nowMs: number, name: EventName, old: RegisterValues, toWh: number) {
    const detail = { fromImportWh: old.importWh, fromExportWh: old.exportWh, toWh };
    this.energy.set({ importWh: toWh, exportWh: toWh, importRateWh: [toWh, toWh, toWh, toWh] });
    this.quarterStatus |= PROFILE_STATUS.dataNotValid;
    this.log(name, nowMs, detail);
  }

  private logRollovers(t: number, rolled: string[]): void {
    for (const register of rolled) this.log('registerRollover', t, { register });
  }

  private log(name: EventName, simMs: number, detail?: MeterEvent['detail'], clockMs?: number) {
    const meterClockMs = clockMs ?? Math.round(simMs + this.clockOffsetMs);
    this.events.push({
      meterClockMs,
      simMs,
      code: EVENT_CODES[name],
      name,
      ...(detail && { detail }),
    });
  }
}

/** Event logged for each trigger, given the state reached. */
const TRIGGER_EVENTS: Record<RelayTrigger, (to: RelayControlState) => EventName> = {
  remote_disconnect: () => 'remoteDisconnection',
  remote_reconnect: (to) => (to === 1 ? 'remoteConnection' : 'readyForManualReconnection'),
  manual_disconnect: () => 'manualDisconnection',
  manual_reconnect: () => 'manualConnection',
  local_disconnect: () => 'localDisconnection',
  local_reconnect: () => 'localReconnection',
};
