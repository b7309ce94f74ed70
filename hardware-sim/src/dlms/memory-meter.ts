import type {
  EventRow,
  MeterBackend,
  ProfileInfo,
  ProfileRow,
  RegisterInfo,
  RelayState,
} from './meter-backend.js';
import { UNIT_WH } from './meter-backend.js';

/**
 * A small deterministic in-memory meter for DLMS tests and benchmarks (the simulator's real
 * meter model implements `MeterBackend` itself). Profile rows exist at every multiple of
 * `intervalSeconds` from `profileStartMs` up to the meter clock; channel c (0-based) of row i
 * holds the cumulative energy i × (100 + 10c) Wh.
 *
 * Example: row 4 (profileStartMs + 1 h) of a 4-channel meter → values [400n, 440n, 480n, 520n].
 */
export interface MemoryMeterOptions {
  serial: string;
  /** Meter clock (UTC ms); a test passes a ManualClock's wallMs. */
  clockMs: () => number;
  profileStartMs: number;
  intervalSeconds?: number;
  channelCount?: number;
  /** Deviation served with the clock; undefined = 0x8000 not specified. Default 0. */
  deviationMinutes?: number | null;
}

const CHANNEL_OBIS = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255'];

export function createMemoryMeter(options: MemoryMeterOptions): MeterBackend & {
  events: EventRow[];
} {
  const intervalMs = (options.intervalSeconds ?? 900) * 1000;
  const channels: RegisterInfo[] = CHANNEL_OBIS.slice(0, options.channelCount ?? 4).map((obis) => ({
    obis,
    scaler: 0,
    unit: UNIT_WH,
  }));
  const profile: ProfileInfo = {
    obis: '1.0.99.1.0.255',
    intervalSeconds: intervalMs / 1000,
    channels,
  };
  let relay: RelayState = { outputState: true, controlState: 1, controlMode: 4 };
  const events: EventRow[] = [];
  const rowAt = (i: number): ProfileRow => ({
    timestampMs: options.profileStartMs + i * intervalMs,
    values: channels.map((_, c) => BigInt(i * (100 + 10 * c))),
  });
  let clockOffsetMs = 0;
  const nowMs = () => options.clockMs() + clockOffsetMs;
  const lastIndex = () => Math.floor((nowMs() - options.profileStartMs) / intervalMs);
  const setRelay = (next: RelayState, code: number) => {
    relay = next;
    events.push({ timestampMs: nowMs(), code });
    return relay;
  };
  return {
    events,
    serial: () => options.serial,
    clockMs: nowMs,
    setClockMs: (wallMs) => {
      clockOffsetMs = wallMs - options.clockMs();
    },
    clockDeviationMinutes: () =>
      options.deviationMinutes === null ? undefined : (options.deviationMinutes ?? 0),
    registers: () => channels,
    readRegister: (obis) => {
      const c = channels.findIndex((ch) => ch.obis === obis);
      if (c < 0) return undefined;
      return { value: rowAt(Math.max(0, lastIndex())).values[c]!, scaler: 0, unit: UNIT_WH };
    },
    profile: () => profile,
    profileRows: (fromMs, toMs) => {
      const first = Math.max(0, Math.ceil((fromMs - options.profileStartMs) / intervalMs));
      const last = Math.min(lastIndex(), Math.floor((toMs - options.profileStartMs) / intervalMs));
      const rows: ProfileRow[] = [];
      for (let i = first; i <= last; i++) rows.push(rowAt(i));
      return rows;
    },
    eventRows: (fromMs, toMs) =>
      events.filter((e) => e.timestampMs >= fromMs && e.timestampMs <= toMs),
    relayState: () => relay,
    disconnect: () => setRelay({ ...relay, outputState: false, controlState: 0 }, 1),
    reconnect: () => setRelay({ ...relay, outputState: true, controlState: 1 }, 2),
  };
}
