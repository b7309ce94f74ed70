import {
  cosemDateTimeToUtcMs,
  type DataResult,
  type DlmsValue,
  decodeCosemDateTime,
  encodeCosemDateTime,
  utcMsToCosemDateTime,
} from '@gridbill/shared/dlms';
import type { MeterBackend, ProfileInfo, ProfileRow } from './meter-backend.js';
import { registerValue } from './profile-values.js';

/**
 * Profile generic buffer (attr 2) with selective access: selector 1 range_descriptor
 * (from/to date-time on the clock column, inclusive) or 2 entry_descriptor (1-based rows,
 * to_entry 0 = last; columns from/to_selected_value, 0 = last).
 *
 * Example: range 2026-11-28 00:00 .. 00:30 on a 15-minute profile → 3 rows (00:00, 00:15,
 * 00:30), each structure{octet-string date-time, value per channel}.
 */
export function readProfileBuffer(
  backend: MeterBackend,
  profile: ProfileInfo,
  access?: { selector: number; parameters: DlmsValue },
): DataResult {
  if (!access) return { data: rowsValue(backend.profileRows(0, backend.clockMs())) };
  const items = access.parameters.type === 'structure' ? access.parameters.items : undefined;
  if (items?.length !== 4) return { error: 250 };
  if (access.selector === 1) return byRange(backend, items);
  if (access.selector === 2) return byEntry(backend, profile, items);
  return { error: 250 };
}

function byRange(backend: MeterBackend, items: DlmsValue[]): DataResult {
  const from = timeOf(items[1]);
  const to = timeOf(items[2]);
  if (from === undefined || to === undefined) return { error: 250 };
  return { data: rowsValue(backend.profileRows(from, to)) };
}

function timeOf(v: DlmsValue | undefined): number | undefined {
  if (v?.type !== 'octet-string' || v.value.length !== 12) return undefined;
  try {
    return cosemDateTimeToUtcMs(decodeCosemDateTime(v.value), { unspecifiedDeviationMinutes: 0 });
  } catch {
    return undefined;
  }
}

function byEntry(backend: MeterBackend, profile: ProfileInfo, items: DlmsValue[]): DataResult {
  const [fromEntry, toEntry, fromCol, toCol] = items.map((i) =>
    'value' in i && typeof i.value === 'number' ? i.value : -1,
  ) as [number, number, number, number];
  if (fromEntry < 1 || toEntry < 0 || fromCol < 0 || toCol < 0) return { error: 250 };
  const all = backend.profileRows(0, backend.clockMs());
  const last = toEntry === 0 ? all.length : Math.min(toEntry, all.length);
  const rows = all.slice(fromEntry - 1, last);
  const columnCount = profile.channels.length + 1;
  const firstCol = Math.max(fromCol, 1) - 1;
  const lastCol = toCol === 0 ? columnCount : Math.min(toCol, columnCount);
  return { data: rowsValue(rows, firstCol, lastCol) };
}

/** One structure per row: clock column then each channel; optional column slice. */
export function rowsValue(rows: readonly ProfileRow[], fromCol = 0, toCol?: number): DlmsValue {
  return {
    type: 'array',
    items: rows.map((row) => {
      const time: DlmsValue = {
        type: 'octet-string',
        value: encodeCosemDateTime(utcMsToCosemDateTime(row.timestampMs)),
      };
      const columns = [time, ...row.values.map(registerValue)];
      return { type: 'structure', items: columns.slice(fromCol, toCol) };
    }),
  };
}
