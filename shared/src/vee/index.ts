export { classifyDelta, type DeltaClass, maxEnergyWh } from './classify-delta.js';
export { checkClockSkew, type SkewCheck } from './clock-skew.js';
export { isSpike, nextRate } from './spike.js';
export { alignToInterval, type IntervalDelta, splitIntervals } from './split-intervals.js';
export type {
  QualityFlag,
  QuarantineReason,
  RegisterReading,
  VeeLimits,
  VeeOutcome,
  VeeState,
} from './types.js';
export { type VeeContext, validateReading } from './validate-reading.js';
