import { createHash } from 'node:crypto';
import type { Clock } from '@gridbill/shared/clock';
import {
  attributeInfo,
  DlmsEncodeError,
  DlmsJsonError,
  type DlmsValue,
  dlmsValueFromJson,
  dlmsValueToJson,
  formatObis,
  fromHex,
  ObisParseError,
  parseObis,
} from '@gridbill/shared/dlms';
import type { AuthLevel } from './association.js';
import { type DlmsClient, type DlmsClientOptions, openDlmsClient } from './client.js';
import {
  DlmsAssociationRejectedError,
  DlmsDataAccessError,
  DlmsDecodeError,
  DlmsProtocolError,
  DlmsSecurityError,
  DlmsTimeoutError,
} from './errors.js';
import { fileCounterStore } from './file-counter-store.js';
import { InvocationCounterAllocator, memoryCounterStore } from './invocation-counter.js';

/** Options of `gridbill-edge probe dlms` (the technician's field tool). */
export interface ProbeOptions {
  host: string;
  port: number;
  transport: 'wrapper' | 'hdlc';
  serial?: string;
  baud: number;
  clientAddress: number;
  serverAddress: number;
  auth: AuthLevel;
  password?: string;
  systemTitle?: string;
  authKey?: string;
  blockCipherKey?: string;
  invocationCounterObis?: string;
  /** JSON file keeping reserve-ahead invocation counters between runs. */
  icState?: string;
  timeoutMs: number;
  /** Where warnings go (stderr in the CLI). */
  warn?: (message: string) => void;
}

export type ProbeCommand =
  | { kind: 'get'; target: string }
  | { kind: 'set'; target: string; valueJson: string }
  | { kind: 'action'; target: string; dataJson?: string }
  | { kind: 'objects' }
  | { kind: 'profile'; obis: string; from: string; to: string };

/** Exit codes: 2 bad input, 3 timeout, 4 association rejected, 5 access denied / data access
 * error, 6 decode error, 7 security (ciphering / invocation counter), 1 anything else. */
export class ProbeError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

const bad = (message: string) => new ProbeError(message, 2);

/** Parses 'CLASS:OBIS:ID' (OBIS may be '0.0.1.0.0.255' or '0-0:1.0.0*255'). */
export function parseTarget(text: string): { classId: number; obis: string; id: number } {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first < 0 || last === first) throw bad(`target '${text}' must be CLASS:OBIS:ATTR`);
  const classId = Number(text.slice(0, first));
  const id = Number(text.slice(last + 1));
  if (!Number.isInteger(classId) || classId < 0 || classId > 0xffff) {
    throw bad(`target '${text}': class id '${text.slice(0, first)}' is not 0..65535`);
  }
  if (!Number.isInteger(id) || id < 0 || id > 255) {
    throw bad(`target '${text}': attribute/method '${text.slice(last + 1)}' is not 0..255`);
  }
  return { classId, obis: obisText(text.slice(first + 1, last)), id };
}

function obisText(text: string): string {
  try {
    return formatObis(parseObis(text));
  } catch (err) {
    throw bad((err as Error).message);
  }
}

function parseJsonValue(text: string, what: string): DlmsValue {
  try {
    return dlmsValueFromJson(JSON.parse(text));
  } catch (err) {
    const reason =
      err instanceof DlmsJsonError ? err.message : `not JSON (${(err as Error).message})`;
    throw bad(`${what}: ${reason}`);
  }
}

function parseIso(text: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    throw bad(`${what} '${text}' must be ISO 8601 with zone, e.g. 2026-11-28T00:00:00Z`);
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw bad(`${what} '${text}' is not a valid date-time`);
  return ms;
}

function hexOption(value: string | undefined, name: string, length: number): Uint8Array {
  if (!value) throw bad(`--auth high-gmac needs ${name}`);
  let bytes: Uint8Array;
  try {
    bytes = fromHex(value);
  } catch {
    throw bad(`${name} '${value}' is not hex`);
  }
  if (bytes.length !== length) throw bad(`${name} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

/** Validates everything before touching the network (bad input changes nothing). */
export function validateProbe(o: ProbeOptions, cmd: ProbeCommand): void {
  if (cmd.kind === 'get' || cmd.kind === 'set' || cmd.kind === 'action') parseTarget(cmd.target);
  if (cmd.kind === 'set') parseJsonValue(cmd.valueJson, 'VALUE_JSON');
  if (cmd.kind === 'action' && cmd.dataJson) parseJsonValue(cmd.dataJson, 'DATA_JSON');
  if (cmd.kind === 'profile') {
    obisText(cmd.obis);
    if (parseIso(cmd.from, '--from') > parseIso(cmd.to, '--to')) throw bad('--from is after --to');
  }
  if (o.auth === 'low' && o.password === undefined) throw bad('--auth low needs --password');
  if (o.auth === 'high-gmac') {
    hexOption(o.systemTitle, '--system-title', 8);
    hexOption(o.authKey, '--auth-key', 16);
    hexOption(o.blockCipherKey, '--block-cipher-key', 16);
  }
  if (o.invocationCounterObis) obisText(o.invocationCounterObis);
}

/** Runs one probe command and returns the JSON document to print. */
export async function runProbe(
  o: ProbeOptions,
  cmd: ProbeCommand,
  clock: Clock,
  random: (n: number) => Uint8Array,
): Promise<unknown> {
  validateProbe(o, cmd);
  try {
    const client = await connect(o, clock, random);
    try {
      return await execute(client, cmd);
    } finally {
      await client.close().catch(() => undefined);
    }
  } catch (err) {
    throw classify(err);
  }
}

function baseOptions(o: ProbeOptions, clock: Clock, random: (n: number) => Uint8Array) {
  return {
    transport: o.serial ? ('hdlc-serial' as const) : o.transport,
    host: o.host,
    port: o.port,
    ...(o.serial ? { serialPath: o.serial } : {}),
    baudRate: o.baud,
    serverAddress: o.serverAddress,
    clock,
    random,
    timing: { responseTimeoutMs: o.timeoutMs },
  };
}

async function connect(o: ProbeOptions, clock: Clock, random: (n: number) => Uint8Array) {
  const base = baseOptions(o, clock, random);
  if (o.auth !== 'high-gmac') {
    return openDlmsClient({
      ...base,
      clientAddress: o.clientAddress,
      auth: o.auth,
      password: o.password,
    });
  }
  const floor = o.invocationCounterObis ? await readCounter(base, o.invocationCounterObis) : 0;
  if (!o.invocationCounterObis && !o.icState) {
    o.warn?.(
      'no --ic-state or --invocation-counter-obis: the invocation counter starts at 0 and is ' +
        "resynchronised from the meter's invocation-counter-error answer",
    );
  }
  const store = o.icState ? fileCounterStore(o.icState, counterKey(o)) : memoryCounterStore();
  const hls = async (start: number): Promise<DlmsClient> =>
    openDlmsClient({
      ...base,
      clientAddress: o.clientAddress,
      auth: 'high-gmac',
      keys: {
        systemTitle: fromHex(o.systemTitle!),
        authenticationKey: fromHex(o.authKey!),
        blockCipherKey: fromHex(o.blockCipherKey!),
      },
      invocationCounter: await InvocationCounterAllocator.open(store, { floor: start }),
    });
  try {
    return await hls(floor);
  } catch (err) {
    const expected = err instanceof DlmsProtocolError ? err.expectedInvocationCounter : undefined;
    if (expected === undefined || expected <= floor) throw err;
    return hls(expected);
  }
}

/** One counter per (meter, client, key): the key enters only as a SHA-256 prefix. */
function counterKey(o: ProbeOptions): string {
  const where = o.serial ? o.serial : `${o.host}:${o.port}`;
  const key = createHash('sha256').update(o.blockCipherKey!.toUpperCase()).digest('hex');
  const title = o.systemTitle!.toUpperCase();
  return `${where}/${o.serverAddress}/${o.clientAddress}/${title}/${key.slice(0, 16)}`;
}

/** Reads the meter's invocation counter object through the public client (16). */
async function readCounter(base: Omit<DlmsClientOptions, 'clientAddress'>, obis: string) {
  const pub = await openDlmsClient({ ...base, clientAddress: 16, auth: 'none' });
  try {
    const v = await pub.get(1, obisText(obis), 2);
    if (v.type !== 'double-long-unsigned') {
      throw new DlmsProtocolError(
        `invocation counter ${obis} is ${v.type}, not double-long-unsigned`,
      );
    }
    return v.value;
  } finally {
    await pub.close().catch(() => undefined);
  }
}

async function execute(client: DlmsClient, cmd: ProbeCommand): Promise<unknown> {
  switch (cmd.kind) {
    case 'get': {
      const t = parseTarget(cmd.target);
      const hint = attributeInfo(t.classId, t.id)?.type === 'date-time-os';
      return dlmsValueToJson(await client.get(t.classId, t.obis, t.id), hint);
    }
    case 'set': {
      const t = parseTarget(cmd.target);
      await client.set(t.classId, t.obis, t.id, parseJsonValue(cmd.valueJson, 'VALUE_JSON'));
      return { result: 'success' };
    }
    case 'action': {
      const t = parseTarget(cmd.target);
      const data = cmd.dataJson ? parseJsonValue(cmd.dataJson, 'DATA_JSON') : undefined;
      const out = await client.action(t.classId, t.obis, t.id, data);
      return { result: 'success', ...(out ? { returnData: dlmsValueToJson(out) } : {}) };
    }
    case 'objects':
      return client.objects();
    case 'profile': {
      const p = await client.readProfile(
        obisText(cmd.obis),
        parseIso(cmd.from, '--from'),
        parseIso(cmd.to, '--to'),
        { unspecifiedDeviationMinutes: 0 },
      );
      return {
        columns: p.columns,
        rows: p.rows.map((r) => ({
          timestamp: r.timestampMs === undefined ? null : new Date(r.timestampMs).toISOString(),
          values: r.values.map((v, i) => dlmsValueToJson(v, p.columns[i]?.classId === 8)),
        })),
      };
    }
  }
}

function classify(err: unknown): Error {
  if (err instanceof ProbeError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof DlmsTimeoutError) return new ProbeError(msg, 3);
  if (err instanceof DlmsAssociationRejectedError) return new ProbeError(msg, 4);
  if (err instanceof DlmsDataAccessError) return new ProbeError(msg, 5);
  if (err instanceof DlmsDecodeError) return new ProbeError(`decode error: ${msg}`, 6);
  if (err instanceof DlmsSecurityError) return new ProbeError(`security: ${msg}`, 7);
  if (err instanceof DlmsEncodeError || err instanceof ObisParseError)
    return new ProbeError(msg, 2);
  return new ProbeError(msg, 1);
}
