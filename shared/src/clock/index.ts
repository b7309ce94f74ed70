export type { Clock, TimerHandle, TrustedTime } from './clock.js';
export { ManualClock } from './manual-clock.js';
export { createSystemClock } from './system-clock.js';
