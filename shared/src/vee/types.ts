/** One cumulative energy register read (integer Wh) as captured from a meter. */
export interface RegisterReading {
  captureMs: number;
  valueWh: number;
  /** Meter serial number as read with the register; a change means a replaced meter. */
  serial: string;
}

/** What VEE remembers per meter register between readings (serialisable). */
export interface VeeState {
  lastCaptureMs: number;
  lastValueWh: number;
  serial: string;
  /** Exponentially smoothed consumption rate, Wh per hour × 1000 (integer). */
  rateMilliWhPerHour: number;
}

export interface VeeLimits {
  /** Register digits: a register with 8 digits rolls over at 10^8 Wh. */
  registerDigits: number;
  /** Physical maximum energy per hour (breaker rating × voltage). */
  maxWhPerHour: number;
  /** A delta whose rate exceeds `spikeFactor` × the smoothed rate is flagged a spike. */
  spikeFactor: number;
  /** Below this rate no spike is flagged (small loads switching on are normal). */
  spikeFloorWhPerHour: number;
}

export type QualityFlag = 'rollover' | 'replacement' | 'spike' | 'estimated' | 'gap' | 'snapshot';

export type QuarantineReason =
  | 'register_decrease'
  | 'exceeds_physical_max'
  | 'out_of_order'
  | 'future_timestamp'
  | 'invalid_value';

export type VeeOutcome =
  | { kind: 'baseline'; state: VeeState; flags: QualityFlag[] }
  | { kind: 'duplicate' }
  | { kind: 'accepted'; deltaWh: number; fromMs: number; state: VeeState; flags: QualityFlag[] }
  | { kind: 'quarantined'; reason: QuarantineReason; detail: string };
