import {
  cosemDateTimeToUtcMs,
  type DlmsValue,
  decodeCosemDateTime,
  encodeCosemDateTime,
  formatObis,
  type ToUtcOptions,
  utcMsToCosemDateTime,
} from '@gridbill/shared/dlms';
import type { DlmsClient } from './client.js';
import { DlmsProtocolError } from './errors.js';

/** One capture object (column) of a profile generic. */
export interface CaptureObject {
  classId: number;
  obis: string;
  attributeId: number;
  dataIndex: number;
}

/** A decoded profile row: the clock column as UTC ms plus every column as a typed value. */
export interface ProfileReadRow {
  timestampMs: number | undefined;
  values: DlmsValue[];
}

export interface ProfileRead {
  columns: CaptureObject[];
  rows: ProfileReadRow[];
}

/**
 * Range descriptor (selector 1) on the clock column, from/to as date-time with deviation 0.
 * Example: (clock column, 2026-11-28T00:00Z, 01:00Z) → structure{ structure{8,
 * 0.0.1.0.0.255, 2, 0}, octet-string 07EA0B1C06000000 00000000, ..., array[] }.
 */
export function rangeDescriptor(clock: CaptureObject, fromMs: number, toMs: number): DlmsValue {
  const time = (ms: number): DlmsValue => ({
    type: 'octet-string',
    value: encodeCosemDateTime(utcMsToCosemDateTime(ms)),
  });
  return {
    type: 'structure',
    items: [captureDefinition(clock), time(fromMs), time(toMs), { type: 'array', items: [] }],
  };
}

/** Entry descriptor (selector 2): rows fromEntry..toEntry (1-based, 0 = last), all columns. */
export function entryDescriptor(fromEntry: number, toEntry: number): DlmsValue {
  const u32 = (value: number): DlmsValue => ({ type: 'double-long-unsigned', value });
  return {
    type: 'structure',
    items: [
      u32(fromEntry),
      u32(toEntry),
      { type: 'long-unsigned', value: 1 },
      { type: 'long-unsigned', value: 0 },
    ],
  };
}

function captureDefinition(c: CaptureObject): DlmsValue {
  return {
    type: 'structure',
    items: [
      { type: 'long-unsigned', value: c.classId },
      { type: 'octet-string', value: Uint8Array.from(c.obis.split('.').map(Number)) },
      { type: 'integer', value: c.attributeId },
      { type: 'long-unsigned', value: c.dataIndex },
    ],
  };
}

/** Parses attr 3 (capture_objects). */
export function parseCaptureObjects(value: DlmsValue): CaptureObject[] {
  if (value.type !== 'array') throw new DlmsProtocolError('capture_objects is not an array');
  return value.items.map((item, i) => {
    const f = item.type === 'structure' ? item.items : [];
    const [cls, ln, attr, index] = f;
    if (
      cls?.type !== 'long-unsigned' ||
      ln?.type !== 'octet-string' ||
      attr?.type !== 'integer' ||
      index?.type !== 'long-unsigned'
    ) {
      throw new DlmsProtocolError(`capture_objects[${i}] is not structure{class, LN, attr, index}`);
    }
    return {
      classId: cls.value,
      obis: formatObis(ln.value),
      attributeId: attr.value,
      dataIndex: index.value,
    };
  });
}

/** Reads a profile by time range (selective access 1, block transfer as needed). */
export async function readProfile(
  client: DlmsClient,
  obis: string,
  fromMs: number,
  toMs: number,
  time: ToUtcOptions = {},
  knownColumns?: CaptureObject[],
): Promise<ProfileRead> {
  const columns = knownColumns ?? parseCaptureObjects(await client.get(7, obis, 3));
  const clock = columns.findIndex((c) => c.classId === 8);
  if (clock < 0) throw new DlmsProtocolError(`profile ${obis} has no clock column`);
  const buffer = await client.get(7, obis, 2, {
    selector: 1,
    parameters: rangeDescriptor(columns[clock]!, fromMs, toMs),
  });
  const periodMs = await periodIfCompact(client, obis, buffer, clock);
  return { columns, rows: parseRows(buffer, clock, time, periodMs) };
}

/** Reads profile rows by entry number (selective access 2). */
export async function readProfileEntries(
  client: DlmsClient,
  obis: string,
  fromEntry: number,
  toEntry: number,
  time: ToUtcOptions = {},
): Promise<ProfileRead> {
  const columns = parseCaptureObjects(await client.get(7, obis, 3));
  const clock = columns.findIndex((c) => c.classId === 8);
  const buffer = await client.get(7, obis, 2, {
    selector: 2,
    parameters: entryDescriptor(fromEntry, toEntry),
  });
  return { columns, rows: parseRows(buffer, clock, time) };
}

/**
 * Rows of a buffer. A null-data clock cell (compact profiles, Blue Book: "previous + capture
 * period") becomes previous + `capturePeriodMs`; without a period it stays undefined.
 * Example: [T0, null, null] with period 900 s → [T0, T0 + 900 000, T0 + 1 800 000].
 */
export function parseRows(
  buffer: DlmsValue,
  clockColumn: number,
  time: ToUtcOptions,
  capturePeriodMs?: number,
): ProfileReadRow[] {
  if (buffer.type !== 'array') throw new DlmsProtocolError('profile buffer is not an array');
  let previous: number | undefined;
  return buffer.items.map((row, i) => {
    if (row.type !== 'structure') {
      throw new DlmsProtocolError(`profile row ${i} is not a structure`);
    }
    const cell = row.items[clockColumn];
    let timestampMs: number | undefined;
    if (cell?.type === 'octet-string' && cell.value.length === 12) {
      timestampMs = cosemDateTimeToUtcMs(decodeCosemDateTime(cell.value), time);
    } else if (cell?.type === 'null-data' && previous !== undefined && capturePeriodMs) {
      timestampMs = previous + capturePeriodMs;
    }
    previous = timestampMs;
    return { timestampMs, values: row.items };
  });
}

/** Capture period (attr 4) in ms, read only when some clock cell is null-data. */
async function periodIfCompact(
  client: DlmsClient,
  obis: string,
  buffer: DlmsValue,
  clock: number,
): Promise<number | undefined> {
  const compact =
    buffer.type === 'array' &&
    buffer.items.some((r) => r.type === 'structure' && r.items[clock]?.type === 'null-data');
  if (!compact) return undefined;
  const period = await client.get(7, obis, 4);
  return period.type === 'double-long-unsigned' ? period.value * 1000 : undefined;
}
