import { formatDecimal } from '@gridbill/shared/money';
import type { PeriodResult } from '@gridbill/shared/tariff';
import type { LabelledPeriod } from './bill-periods.js';

export interface RatedPeriod {
  period: LabelledPeriod;
  result: PeriodResult;
}

/** The CLI contract: amounts as decimal strings in major units ("771.78"). */
export function toJson(currency: string, exponent: number, rated: readonly RatedPeriod[]) {
  const money = (v: bigint) => formatDecimal(v, exponent);
  return {
    currency,
    periods: rated.map(({ period, result }) => ({
      from: period.from,
      to: period.to,
      lines: result.lines.map((l) => ({
        kind: l.kind,
        description: l.description,
        quantity: l.quantity,
        unit: l.unit,
        rate: l.rate,
        amount: money(l.amountMinor),
      })),
      total: money(result.totalMinor),
    })),
    total: money(rated.reduce((a, r) => a + r.result.totalMinor, 0n)),
  };
}

function pad(cells: readonly string[], widths: readonly number[], right: readonly boolean[]) {
  return cells
    .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
}

/** A readable table per period, then the grand total. */
export function toTable(json: ReturnType<typeof toJson>): string {
  const out: string[] = [];
  const right = [false, false, true, false, true, true];
  for (const p of json.periods) {
    out.push(`${p.from} .. ${p.to} (to exclusive)`);
    const rows = p.lines.map((l) => [l.kind, l.description, l.quantity, l.unit, l.rate, l.amount]);
    const head = ['kind', 'description', 'quantity', 'unit', 'rate', json.currency];
    const all = [head, ...rows];
    const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
    out.push(pad(head, widths, right));
    for (const r of rows) out.push(pad(r, widths, right));
    const labelWidth = widths.slice(0, 5).reduce((a, w) => a + w + 2, 0);
    out.push(`${'total'.padEnd(labelWidth)}${p.total.padStart(widths[5]!)}`);
    out.push('');
  }
  out.push(`Total ${json.currency} ${json.total}`);
  return `${out.join('\n')}\n`;
}
