import type { LoadSetting } from './load-shapes.js';
import type { RegisterValues } from './energy-registers.js';
import type { RelayControlState } from './relay-table.js';
import { DEFAULT_TOU, type TouTable } from './tou.js';

/** Everything that defines one virtual meter (the fleet file is parsed into this). */
export interface MeterSpec {
  id: string;
  serial: string;
  /** Noise seed for this meter (derive from the fleet seed and the meter id). */
  seed: number;
  timeZone: string;
  phaseCount: 1 | 3;
  load: LoadSetting;
  tou: TouTable;
  /** Energy registers wrap at 10^registerDigits Wh. */
  registerDigits: number;
  start: RegisterValues;
  clockDriftPpm: number;
  relay: { controlMode: number; controlState: RelayControlState };
  /** Load profile rows kept (15-minute captures); 3 456 = 36 days. */
  profileCapacity: number;
  eventCapacity: number;
}

/** Defaults for tests and quick mode: residential, UTC, 9-digit Wh registers, mode 1. */
export function meterSpec(overrides: Partial<MeterSpec> & { id: string }): MeterSpec {
  return {
    serial: `SIM${overrides.id}`,
    seed: 1,
    timeZone: 'UTC',
    phaseCount: 1,
    load: { shape: 'residential' },
    tou: DEFAULT_TOU,
    registerDigits: 9,
    start: { importWh: 0, exportWh: 0, importRateWh: [0, 0, 0, 0] },
    clockDriftPpm: 0,
    relay: { controlMode: 1, controlState: 1 },
    profileCapacity: 3456,
    eventCapacity: 500,
    ...overrides,
  };
}
