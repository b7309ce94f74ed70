import { allocate, DecimalParseError, parseDecimal } from '@gridbill/shared/money';
import { compileTariff, parseTariffVersion, rateBatch } from '@gridbill/shared/tariff';
import { localMidnightUtcMs } from '@gridbill/shared/time';
import type { Hono } from 'hono';
import type { AppContext } from '../app/context.js';
import { notFound, Problem } from '../app/problem.js';
import { smallInt } from '../store/int.js';
import { getTariffVersion } from '../tariffs/tariff-records.js';
import { moneyText } from './money-text.js';
import { screen } from './ui-kit.js';

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const HOUR_MS = 3_600_000;

/** Local month [from, to) in UTC ms; `month` is 'YYYY-MM'. */
function monthSpan(month: string, timeZone: string): { fromMs: number; toMs: number } {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Problem(422, 'invalid-month', `month ${month} is not YYYY-MM`, '/month');
  const y = Number.parseInt(m[1]!, 10);
  const mo = Number.parseInt(m[2]!, 10);
  const next = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
  return {
    fromMs: localMidnightUtcMs(`${month}-01`, timeZone),
    toMs: localMidnightUtcMs(next, timeZone),
  };
}

/**
 * Rates a month of usage spread evenly over its hours with the tariff kernel (the same
 * batch driver billing uses).
 *
 * @example simulateMonth(beijingLadderVersion, '2012-08', 500_000n).totalMinor === 28215n
 */
export function simulateMonth(document: string, month: string, usageWh: bigint) {
  const version = parseTariffVersion(JSON.parse(document));
  const { fromMs, toMs } = monthSpan(month, version.timeZone);
  const hours = (toMs - fromMs) / HOUR_MS;
  const whs = allocate(
    usageWh,
    Array.from({ length: hours }, () => 1n),
  );
  const usage = {
    startMs: Array.from({ length: hours }, (_, i) => fromMs + i * HOUR_MS),
    wh: whs.map((w) => smallInt(w)),
    intervalSeconds: 3600,
  };
  const periods = [{ fromMs, toMs }];
  const result = rateBatch({ versions: compileTariff([version]), usage, periods }).periods[0]!;
  return result;
}

function usageWhOf(text: string): bigint {
  try {
    const wh = parseDecimal(text.trim(), 3, 'usage kWh');
    if (wh <= 0n || wh > 10n ** 12n)
      throw new Problem(422, 'invalid-usage', 'usage must be 0.001 to 10^9 kWh', '/kwh');
    return wh;
  } catch (err) {
    if (err instanceof DecimalParseError)
      throw new Problem(422, 'invalid-usage', err.message, '/kwh');
    throw err;
  }
}

export function tariffSimulatorScreens(app: Hono, ctx: AppContext): void {
  screen(app, ctx, 'get', '/ui/tariffs/simulate', 'tariffs.read', async (c) => {
    const versionId = c.req.query('versionId') ?? '';
    const v = await getTariffVersion(ctx.store.db, versionId);
    if (!v) throw notFound('tariff version', versionId, '/versionId');
    const r = simulateMonth(
      v.document,
      c.req.query('month') ?? '',
      usageWhOf(c.req.query('kwh') ?? ''),
    );
    return c.html(
      <table id="simulation">
        <tbody>
          {r.lines.map((l) => (
            <tr>
              <td>{l.description}</td>
              <td class="num">
                {l.quantity} {l.unit}
              </td>
              <td class="num">{l.rate}</td>
              <td class="num">{moneyText(l.amountMinor, r.currency)}</td>
            </tr>
          ))}
          <tr>
            <th colspan={3}>Total</th>
            <th class="num" id="simulation-total">
              {moneyText(r.totalMinor, r.currency)}
            </th>
          </tr>
        </tbody>
      </table>,
    );
  });
}
