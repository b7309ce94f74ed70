import type { UsageSeries } from '@gridbill/shared/tariff';
import { roundedDecimal, safeNumber } from '@gridbill/shared/tariff';
import { InputError } from './input-error.js';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const KWH = /^\d+(\.\d+)?$/;

function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

function instant(file: string, line: number, value: string): number {
  if (!INSTANT.test(value)) {
    throw new InputError(
      file,
      line,
      'start',
      `"${value}" is not an ISO-8601 instant with offset or Z`,
    );
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InputError(file, line, 'start', `"${value}" is not a valid date`);
  return ms;
}

function wattHours(file: string, line: number, field: string, value: string): number {
  if (!KWH.test(value)) {
    throw new InputError(file, line, field, `"${value}" is not a non-negative decimal kWh value`);
  }
  return safeNumber(roundedDecimal(value, 3, `${file}:${line}`), `${file}:${line}`);
}

/**
 * Reads a `start,kwh` CSV (header required; any constant interval, gaps allowed when they are
 * whole intervals). kWh become whole Wh, half-up. `2024-01-01T00:00:00Z,0.25` → 250 Wh.
 */
export function parseUsageCsv(text: string, file: string): UsageSeries {
  const lines = splitLines(text);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  if (header[0] !== 'start' || header[1] !== 'kwh' || header.length !== 2) {
    throw new InputError(file, 1, 'header', `expected "start,kwh", got "${lines[0] ?? ''}"`);
  }
  const startMs: number[] = [];
  const wh: number[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const cells = raw.split(',').map((c) => c.trim());
    if (cells.length !== 2)
      throw new InputError(file, line, 'row', `expected 2 fields, got ${cells.length}`);
    startMs.push(instant(file, line, cells[0] ?? ''));
    wh.push(wattHours(file, line, 'kwh', cells[1] ?? ''));
  });
  if (startMs.length === 0) throw new InputError(file, 2, 'start', 'no usage rows');
  const intervalMs = startMs.length > 1 ? startMs[1]! - startMs[0]! : 3_600_000;
  startMs.forEach((t, i) => {
    if (i === 0) return;
    const gap = t - startMs[i - 1]!;
    if (gap <= 0)
      throw new InputError(
        file,
        i + 2,
        'start',
        'not after the previous row (rows must be in time order, no duplicates)',
      );
    if (gap % intervalMs !== 0) {
      throw new InputError(
        file,
        i + 2,
        'start',
        `interval of ${gap / 1000} s is not a multiple of ${intervalMs / 1000} s`,
      );
    }
  });
  if (intervalMs % 60_000 !== 0)
    throw new InputError(file, 3, 'start', 'interval must be whole minutes');
  return { startMs, wh, intervalSeconds: intervalMs / 1000 };
}

/**
 * Reads 8760 hourly kWh values (one per line, an optional header line) starting at `startMs`,
 * one real hour apart.
 */
export function parseHourly8760(text: string, file: string, startMs: number): UsageSeries {
  const lines = splitLines(text);
  const first = lines[0]?.trim() ?? '';
  const skip = first !== '' && !KWH.test(first) ? 1 : 0;
  const values: number[] = [];
  lines.forEach((raw, i) => {
    if (i < skip) return;
    const v = raw.trim();
    if (v === '') return;
    values.push(wattHours(file, i + 1, 'kwh', v));
  });
  if (values.length !== 8760) {
    throw new InputError(
      file,
      undefined,
      'kwh',
      `expected 8760 hourly values, got ${values.length}`,
    );
  }
  return {
    startMs: values.map((_, i) => startMs + i * 3_600_000),
    wh: values,
    intervalSeconds: 3600,
  };
}
