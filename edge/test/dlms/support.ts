import { createSystemClock } from '@gridbill/shared/clock';
import { fromHex } from '@gridbill/shared/dlms';
import {
  type DlmsClientOptions,
  InvocationCounterAllocator,
  memoryCounterStore,
} from '../../src/dlms/index.js';

/**
 * Test support: loads the simulator's DLMS server (hardware-sim/src/dlms) at run time. The
 * path is computed so that TypeScript keeps the edge project independent of hardware-sim;
 * the local interface below is the part of its API these tests use.
 */
export interface SimServerModule {
  startDlmsServer(options: {
    backend(serverAddress: number): unknown;
    transport: 'wrapper' | 'hdlc' | 'hdlc-serial';
    port?: number;
    serialPath?: string;
    baudRate?: number;
    maxPduBytes?: number;
    maxInfoBytes?: number;
  }): Promise<{ port: number; close(): Promise<void> }>;
  createMemoryMeter(options: {
    serial: string;
    clockMs: () => number;
    profileStartMs: number;
    deviationMinutes?: number | null;
  }): {
    relayState(): { outputState: boolean; controlState: number };
    readRegister(obis: string): { value: bigint } | undefined;
  };
}

export async function loadSim(): Promise<SimServerModule> {
  const url = new URL('../../../hardware-sim/src/dlms/index.ts', import.meta.url);
  return (await import(url.href)) as SimServerModule;
}

export const DAY_START_MS = Date.UTC(2026, 10, 27, 0, 0, 0);
export const METER_NOW_MS = Date.UTC(2026, 10, 28, 5, 21, 41);

/** Deterministic byte source (xorshift32) for HLS challenges. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
}

export const KEYS = {
  systemTitle: fromHex('505954484F4E3031'),
  blockCipherKey: fromHex('000102030405060708090A0B0C0D0E0F'),
  authenticationKey: fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
};

/** Client options per auth level: public 16 / reader 17 (LLS) / management 1 (HLS-GMAC). */
export async function clientOptions(
  auth: 'none' | 'low' | 'high-gmac',
  where: Pick<DlmsClientOptions, 'transport' | 'port' | 'serialPath' | 'baudRate' | 'lockSerial'>,
  counterStart = 1,
): Promise<DlmsClientOptions> {
  const base = {
    ...where,
    host: '127.0.0.1',
    clock: createSystemClock(),
    random: seededRandom(7),
    timing: { responseTimeoutMs: 3000, retries: 1, interFrameGapMs: 0 },
  };
  if (auth === 'none') return { ...base, auth, clientAddress: 16 };
  if (auth === 'low') return { ...base, auth, clientAddress: 17, password: 'Gurux' };
  const invocationCounter = await InvocationCounterAllocator.open(memoryCounterStore(counterStart));
  return { ...base, auth, clientAddress: 1, keys: KEYS, invocationCounter };
}
