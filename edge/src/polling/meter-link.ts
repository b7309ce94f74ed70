import type { RelayReadBack } from '@gridbill/shared/relay';

/** A cumulative energy register read from a meter. */
export interface MeterRead {
  valueWh: number;
  serial: string;
  /** The meter's own clock at the read, when the meter exposes one. */
  meterClockMs?: number;
}

/** One load-profile row: the energy register at an interval boundary. */
export interface ProfileEntry {
  captureMs: number;
  valueWh: number;
}

/** What the gateway needs from one meter, whatever its protocol. */
export interface MeterLink {
  readEnergy(): Promise<MeterRead>;
  /** Present when the meter keeps a load profile (DLMS); Modbus meters give snapshots. */
  readProfile?: (fromMs: number, toMs: number) => Promise<ProfileEntry[]>;
  switchRelay(action: 'open' | 'close'): Promise<void>;
  readRelay(): Promise<'open' | 'closed'>;
  /** Output plus class 70 control_state and control_mode, when the meter has them. */
  readRelayStatus?(): Promise<RelayReadBack>;
  close(): Promise<void>;
}
