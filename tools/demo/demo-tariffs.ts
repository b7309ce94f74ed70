import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A tariff version document in the native `gridbill-tariff/v1` format. */
export type TariffDoc = Record<string, unknown> & { tariffId: string; versionId: string };

const SHIPPED = join(import.meta.dirname, '..', '..', 'shared', 'tariffs');
const HALF_HOUR_MS = 1_800_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * The demo's four tariffs, all in CNY for one site in Asia/Shanghai:
 * the Zhejiang annual ladder with peak/valley plus a low-income free allowance, a three-period
 * TOU tariff, and a dynamic half-hourly tariff whose prices are "published" for the three days
 * from `startMs` (later slots use the declared fallback price).
 */
export function demoTariffs(startMs: number): TariffDoc[] {
  return [ladderWithAllowance(), touTariff(), dynamicTariff(startMs)];
}

function ladderWithAllowance(): TariffDoc {
  const doc = JSON.parse(
    readFileSync(join(SHIPPED, 'cn-zhejiang-residential-tou.json'), 'utf8'),
  ) as TariffDoc & { components: unknown[] };
  doc.components.push({
    kind: 'discount',
    id: 'low-income',
    description: 'Low-income free allowance (10 kWh a month)',
    eligibility: 'low-income',
    type: 'free-kwh',
    kwhPerMonth: '10',
    ratePerKwh: '0.288',
  });
  return doc;
}

function touTariff(): TariffDoc {
  return {
    format: 'gridbill-tariff/v1',
    tariffId: 'demo-tou',
    versionId: 'demo-tou-2026',
    name: 'Demo three-period time of use',
    effectiveFrom: '2026-01-01',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    rounding: 'half-up',
    periods: ['peak', 'flat', 'valley'],
    schedules: {
      default: {
        defaultPeriod: 'valley',
        seasons: [
          {
            id: 'all-year',
            weekday: [
              { from: '08:00', to: '11:00', period: 'peak' },
              { from: '11:00', to: '18:00', period: 'flat' },
              { from: '18:00', to: '22:00', period: 'peak' },
            ],
            weekend: [{ from: '08:00', to: '22:00', period: 'flat' }],
          },
        ],
      },
    },
    components: [
      { kind: 'fixed', id: 'service', description: 'Service charge', amount: '0.50', per: 'day' },
      {
        kind: 'energy',
        id: 'energy',
        description: 'Electricity by time of use',
        rates: { peak: '0.95', flat: '0.62', valley: '0.31' },
      },
    ],
  };
}

/** Half-hourly prices, a deterministic daily wave: 0.30 at night up to 1.10 at 18:00. */
function dynamicTariff(startMs: number): TariffDoc {
  const localMs = startMs + SHANGHAI_OFFSET_MS; // Asia/Shanghai has no DST
  const dayStartMs = localMs - (localMs % 86_400_000) - SHANGHAI_OFFSET_MS;
  const prices: string[] = [];
  for (let slot = 0; slot < 48 * 3; slot++) prices.push(priceForSlot(slot % 48));
  return {
    format: 'gridbill-tariff/v1',
    tariffId: 'demo-dynamic',
    versionId: 'demo-dynamic-2026',
    name: 'Demo dynamic half-hourly prices (published daily, fallback when missing)',
    effectiveFrom: '2026-01-01',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    rounding: 'half-up',
    periods: ['all'],
    components: [
      {
        kind: 'dynamic',
        id: 'energy',
        description: 'Electricity at half-hourly prices',
        stepSeconds: HALF_HOUR_MS / 1000,
        series: [{ start: new Date(dayStartMs).toISOString(), prices }],
        fallbackRate: '0.65',
      },
    ],
  };
}

/** `priceForSlot(36)` → "1.10" (18:00), `priceForSlot(6)` → "0.30" (03:00). */
export function priceForSlot(slot: number): string {
  const distance = Math.min(Math.abs(slot - 36), 48 - Math.abs(slot - 36)); // slots from 18:00
  const cents = Math.max(30, 110 - distance * 5);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
