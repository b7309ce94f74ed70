/**
 * Event log codes. 1–6 and 40–69 follow the DLMS UA / IDIS standard and disconnector event
 * log numbering; 200+ are Gridbill simulator codes for injected faults.
 */
export const EVENT_CODES = {
  powerDown: 1,
  powerUp: 2,
  clockAdjustedOld: 4,
  clockAdjustedNew: 5,
  meterCoverRemoved: 44,
  manualDisconnection: 60,
  manualConnection: 61,
  remoteDisconnection: 62,
  remoteConnection: 63,
  localDisconnection: 64,
  localReconnection: 69,
  readyForManualReconnection: 59,
  relayFailure: 68,
  registerReset: 201,
  registerPreset: 202,
  registerRollover: 203,
  meterSwap: 204,
  reverseFlowStart: 205,
  consumptionSpike: 206,
  clockDriftChanged: 207,
} as const;

export type EventName = keyof typeof EVENT_CODES;

/** One event log row: meter-clock time, simulated time, code, name and details. */
export interface MeterEvent {
  meterClockMs: number;
  simMs: number;
  code: number;
  name: EventName;
  detail?: Record<string, string | number>;
}
