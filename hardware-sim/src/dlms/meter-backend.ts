/**
 * The contract between the DLMS/COSEM server (this folder) and a virtual meter model.
 *
 * The server owns the protocol (HDLC / wrapper framing, ACSE, xDLMS, security, access
 * rights); the backend owns the meter's physics and state. One backend per server address
 * (logical device). All values are integers; time is UTC epoch ms from the meter's own
 * (possibly drifting) clock. Stable after 07:00 UTC: additive changes only.
 *
 * Example: `backend.readRegister('1.0.1.8.0.255')` → `{ value: 1234567n, scaler: 0, unit: 30 }`
 * means 1 234 567 Wh of active energy import.
 */

/** COSEM unit enum values used by the meter (Blue Book table): 30 = Wh, 27 = W, 35 = V, 33 = A. */
export const UNIT_WH = 30;
export const UNIT_W = 27;

/** A register as read over DLMS: raw integer value × 10^scaler in `unit`. */
export interface RegisterReading {
  /** Raw value (e.g. Wh when scaler 0 and unit 30). */
  value: bigint;
  /** Power-of-ten exponent: -2 means value × 0.01. */
  scaler: number;
  /** COSEM unit enum (30 = Wh). */
  unit: number;
}

/** One register the meter exposes (class 3 Register, or class 4/5 later). */
export interface RegisterInfo {
  /** Logical name, dotted decimal, e.g. '1.0.1.8.0.255' (+A total). */
  obis: string;
  scaler: number;
  unit: number;
}

/** Load profile (class 7 Profile generic) layout; the first column is always the clock. */
export interface ProfileInfo {
  /** e.g. '1.0.99.1.0.255'. */
  obis: string;
  /** Capture period, e.g. 900 for 15-minute intervals. */
  intervalSeconds: number;
  /** Registers captured after the clock column, in column order (attr 2 of each). */
  channels: readonly RegisterInfo[];
}

/** One profile row: capture time (end of interval, UTC ms) and one raw value per channel. */
export interface ProfileRow {
  timestampMs: number;
  values: readonly bigint[];
}

/** One event log row (event log is a class 7 profile: clock + event code). */
export interface EventRow {
  timestampMs: number;
  code: number;
}

/**
 * Disconnect control (class 70) state.
 * controlState: 0 disconnected, 1 connected, 2 ready_for_reconnection (Blue Book).
 */
export interface RelayState {
  outputState: boolean;
  controlState: 0 | 1 | 2;
  /** control_mode 0..6. */
  controlMode: number;
}

/** What the DLMS server needs from one virtual meter (one logical device). */
export interface MeterBackend {
  /** Meter serial number, served as visible-string at 0.0.96.1.0.255 (class 1). */
  serial(): string;
  /** Meter clock, UTC epoch ms (may differ from the host: drift, jumps). */
  clockMs(): number;
  /**
   * Deviation sent with the clock: minutes to ADD to local time to get UTC (CEST = -120),
   * or `undefined` for 0x8000 "not specified". Default 0 (meter runs on UTC).
   */
  clockDeviationMinutes?(): number | undefined;
  /** Optional: set the meter clock (SET 8:0.0.1.0.0.255:2). */
  setClockMs?(wallMs: number): void;
  /** Registers served as class 3 objects. */
  registers(): readonly RegisterInfo[];
  /** Current reading of one register, or `undefined` when the meter has no such register. */
  readRegister(obis: string): RegisterReading | undefined;
  /** Load profile layout, or `undefined` when the meter keeps no profile. */
  profile(): ProfileInfo | undefined;
  /** Profile rows with fromMs ≤ timestampMs ≤ toMs, oldest first. */
  profileRows(fromMs: number, toMs: number): readonly ProfileRow[];
  /** Event log rows (served at 0.0.99.98.0.255) with fromMs ≤ timestampMs ≤ toMs. */
  eventRows(fromMs: number, toMs: number): readonly EventRow[];
  /** Relay (class 70 at 0.0.96.3.10.255). */
  relayState(): RelayState;
  /** remote_disconnect; returns the state after the action (a stuck relay may not change). */
  disconnect(): RelayState;
  /** remote_reconnect; returns the state after the action. */
  reconnect(): RelayState;
  /**
   * Invocation counter state for ciphered associations. `lowestClientIc` is what the meter
   * publishes at 0.0.43.1.0.255 (the next client IC it accepts); `acceptClientIc(ic)` returns
   * false (and changes nothing) when `ic` is below it, else stores ic + 1. `nextServerIc()`
   * returns the IC for the meter's own next ciphered APDU and advances it.
   * Optional: the server keeps them in memory when absent.
   */
  invocationCounters?(): MeterInvocationCounters;
}

export interface MeterInvocationCounters {
  lowestClientIc(): number;
  acceptClientIc(ic: number): boolean;
  nextServerIc(): number;
}

/** Security material of a meter (suite 0). Hex strings are accepted by the CLI, bytes here. */
export interface MeterSecurity {
  /** 8-byte server system title. */
  systemTitle: Uint8Array;
  /** 16-byte global unicast encryption key (EK). */
  blockCipherKey: Uint8Array;
  /** 16-byte authentication key (AK). */
  authenticationKey: Uint8Array;
  /** LLS password for the reader association. */
  llsPassword: string;
}

/**
 * Options for `startDlmsServer` (in `./index.ts`).
 *
 * Associations (client SAP → rights): 16 public (no auth, read-only), 17 reader (LLS,
 * read-only), 1 management (HLS-GMAC, read/write, ACTION on disconnect control).
 */
export interface DlmsServerOptions {
  /** Backend per server logical address (HDLC upper address / wrapper wPort); usually 1. */
  backend(serverAddress: number): MeterBackend | undefined;
  /** 'wrapper' = IEC 62056-47 over TCP, 'hdlc' = HDLC over TCP, 'hdlc-serial' = serial port. */
  transport: 'wrapper' | 'hdlc' | 'hdlc-serial';
  /** TCP port (0 = pick a free one). Ignored for 'hdlc-serial'. */
  port?: number;
  /** TCP host, default '127.0.0.1'. */
  host?: string;
  /** Serial device for 'hdlc-serial', e.g. '/dev/pts/5'. */
  serialPath?: string;
  /** Serial baud rate, default 9600. */
  baudRate?: number;
  /** Security material; defaults to the Gurux example keys (test only). */
  security?: MeterSecurity;
  /**
   * Server-to-client challenge source for HLS (n bytes): a CSPRNG in production, a seeded
   * source in tests. Without it the server uses a predictable counter (simulator only).
   */
  random?: (byteCount: number) => Uint8Array;
  /** Max APDU size the server sends before switching to GET block transfer. Default 512. */
  maxPduBytes?: number;
  /** HDLC max information field length the server offers (SNRM/UA). Default 128. */
  maxInfoBytes?: number;
  /** Optional structured logger (pino-compatible subset). */
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/** A running server. `port` is 0 for serial. */
export interface DlmsServerHandle {
  port: number;
  close(): Promise<void>;
}
