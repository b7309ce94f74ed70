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
): Promise<ProfileRead> {
  const columns = parseCaptureObjects(await client.get(7, obis, 3));
  const clock = columns.findIndex((c) => c.classId === 8);
  if (clock < 0) throw new DlmsProtocolError(`profile ${obis} has no clock column`);
  const buffer = await client.get(7, obis, 2, {
    selector: 1,
    parameters: rangeDescriptor(columns[clock]!, fromMs, toMs),
  });
  return { columns, rows: parseRows(buffer, clock, time) };
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
 * Rows of a buffer; a null-data clock cell (compact profiles: "previous + period") is left
 * as undefined timestamp for the caller to fill.
 */
export function parseRows(
  buffer: DlmsValue,
  clockColumn: number,
  time: ToUtcOptions,
): ProfileReadRow[] {
  if (buffer.type !== 'array') throw new DlmsProtocolError('profile buffer is not an array');
  return buffer.items.map((row, i) => {
    if (row.type !== 'structure')
      throw new DlmsProtocolError(`profile row ${i} is not a structure`);
    const cell = row.items[clockColumn];
    let timestampMs: number | undefined;
    if (cell?.type === 'octet-string' && cell.value.length === 12) {
      timestampMs = cosemDateTimeToUtcMs(decodeCosemDateTime(cell.value), time);
    }
    return { timestampMs, values: row.items };
  });
}
