import type { Clock } from '@gridbill/shared/clock';
import type { RelayReadBack } from '@gridbill/shared/relay';
import { cosemDateTimeToUtcMs, type DlmsValue, decodeCosemDateTime } from '@gridbill/shared/dlms';
import {
  type DlmsClient,
  type DlmsClientOptions,
  InvocationCounterAllocator,
  type InvocationCounterStore,
  openDlmsClient,
} from '../dlms/index.js';
import type { MeterLink, MeterRead, ProfileEntry } from './meter-link.js';
import { readDlmsRelayStatus } from './relay-status.js';

/** COSEM objects the gateway reads (Blue Book logical names). */
export const DLMS_OBJECTS = {
  energyImport: '1.0.1.8.0.255',
  serial: '0.0.96.1.0.255',
  clock: '0.0.1.0.0.255',
  relay: '0.0.96.3.10.255',
  loadProfile: '1.0.99.1.0.255',
} as const;

/**
 * A DLMS/COSEM meter through the DLMS client: register class 3 with its scaler, serial
 * (class 1), clock (class 8), disconnect control class 70 (ACTION 1 = remote_disconnect,
 * 2 = remote_reconnect; attribute 2 output_state) and the load profile (class 7) by range.
 * The association is opened on first use and dropped on any error.
 */
export class DlmsLink implements MeterLink {
  private client: DlmsClient | undefined;
  private scalerPow10: number | undefined;
  private counter: Promise<InvocationCounterAllocator> | undefined;

  constructor(
    private readonly options: Omit<DlmsClientOptions, 'clock' | 'random' | 'invocationCounter'>,
    private readonly clock: Clock,
    private readonly random: (n: number) => Uint8Array,
    /** Durable invocation counters, required for 'high-gmac'. */
    private readonly counterStore?: InvocationCounterStore,
  ) {}

  readEnergy(): Promise<MeterRead> {
    return this.use(async (c) => {
      const valueWh = await this.energyWh(c, await c.get(3, DLMS_OBJECTS.energyImport, 2));
      const serial = text(await c.get(1, DLMS_OBJECTS.serial, 2));
      const clock = await c.get(8, DLMS_OBJECTS.clock, 2);
      const read: MeterRead = { valueWh, serial };
      if (clock.type === 'date-time') read.meterClockMs = cosemDateTimeToUtcMs(clock.value);
      if (clock.type === 'octet-string' && clock.value.length === 12)
        read.meterClockMs = cosemDateTimeToUtcMs(decodeCosemDateTime(clock.value));
      return read;
    });
  }

  readProfile(fromMs: number, toMs: number): Promise<ProfileEntry[]> {
    return this.use(async (c) => {
      const profile = await c.readProfile(DLMS_OBJECTS.loadProfile, fromMs, toMs);
      const col = profile.columns.findIndex((k) => k.obis === DLMS_OBJECTS.energyImport);
      if (col < 0) throw new Error('load profile has no +A energy column');
      const out: ProfileEntry[] = [];
      for (const row of profile.rows) {
        const v = row.values[col];
        if (row.timestampMs === undefined || !v) continue;
        out.push({ captureMs: row.timestampMs, valueWh: await this.energyWh(c, v) });
      }
      return out;
    });
  }

  switchRelay(action: 'open' | 'close'): Promise<void> {
    return this.use(async (c) => {
      await c.action(70, DLMS_OBJECTS.relay, action === 'open' ? 1 : 2, {
        type: 'integer',
        value: 0,
      });
    });
  }

  readRelay(): Promise<'open' | 'closed'> {
    return this.use(async (c) => {
      const out = await c.get(70, DLMS_OBJECTS.relay, 2);
      if (out.type !== 'boolean') throw new Error(`relay output_state is ${out.type}`);
      return out.value ? 'closed' : 'open';
    });
  }

  readRelayStatus(): Promise<RelayReadBack> {
    return this.use((c) => readDlmsRelayStatus(c));
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.close().catch(() => undefined);
  }

  private async use<T>(fn: (c: DlmsClient) => Promise<T>): Promise<T> {
    try {
      this.client ??= await this.open();
      return await fn(this.client);
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private async open(): Promise<DlmsClient> {
    if (this.options.auth === 'high-gmac' && this.counterStore)
      this.counter ??= InvocationCounterAllocator.open(this.counterStore);
    const invocationCounter = this.counter ? await this.counter : undefined;
    return openDlmsClient({
      ...this.options,
      clock: this.clock,
      random: this.random,
      ...(invocationCounter ? { invocationCounter } : {}),
    });
  }

  private async energyWh(c: DlmsClient, value: DlmsValue): Promise<number> {
    if (this.scalerPow10 === undefined) {
      const su = await c.get(3, DLMS_OBJECTS.energyImport, 3);
      const scaler = su.type === 'structure' ? su.items[0] : undefined;
      this.scalerPow10 = scaler && 'value' in scaler ? Number(scaler.value) : 0;
    }
    return scaleToWh(value, this.scalerPow10);
  }
}

/**
 * Integer register value × 10^scaler as integer Wh (rejects non-integers).
 *
 * @example
 * scaleToWh({ type: 'double-long-unsigned', value: 12345 }, 1) // → 123450
 */
export function scaleToWh(value: DlmsValue, scalerPow10: number): number {
  let raw: bigint;
  if (value.type === 'long64' || value.type === 'long64-unsigned') raw = value.value;
  else if ('value' in value && typeof value.value === 'number' && Number.isInteger(value.value))
    raw = BigInt(value.value);
  else throw new Error(`energy register is ${value.type}, not an integer`);
  const scaled =
    scalerPow10 >= 0 ? raw * 10n ** BigInt(scalerPow10) : raw / 10n ** BigInt(-scalerPow10);
  return Number(scaled);
}

function text(v: DlmsValue): string {
  if (v.type === 'visible-string' || v.type === 'utf8-string') return v.value;
  if (v.type === 'octet-string') return Buffer.from(v.value).toString('hex');
  throw new Error(`serial number is ${v.type}`);
}
