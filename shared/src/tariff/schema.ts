import { z } from 'zod';
import { holidayCalendarSchema } from '../time/index.js';

/** Decimal text such as "0.23522" (no exponent, no grouping). */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as "0.12345"');
const nonNegative = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal string');
const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected local time "HH:MM"');
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected "MM-DD"');
/** A local date ("2024-10-01", local midnight in the tariff zone) or an ISO instant with offset. */
const effective = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'expected "YYYY-MM-DD" or an ISO-8601 instant with offset',
  );
const id = z.string().min(1).max(80);

/** `{ "from": "08:00", "to": "22:00", "period": "peak" }`: local [from, to); from > to wraps. */
export const windowSchema = z.strictObject({ from: hhmm, to: hhmm, period: id });

export const seasonSchema = z.strictObject({
  id,
  months: z.array(z.number().int().min(1).max(12)).optional(),
  dates: z.array(z.strictObject({ from: monthDay, to: monthDay })).optional(),
  weekday: z.array(windowSchema),
  saturday: z.array(windowSchema).optional(),
  sunday: z.array(windowSchema).optional(),
  weekend: z.array(windowSchema).optional(),
  holiday: z.array(windowSchema).optional(),
});

/** Seasons × day types × windows; minutes not covered fall into `defaultPeriod`. */
export const scheduleSchema = z.strictObject({
  defaultPeriod: id,
  seasons: z.array(seasonSchema),
});

const base = { id, description: z.string().min(1).max(200) };
const rates = z.record(z.string(), decimal);

export const fixedSchema = z.strictObject({
  ...base,
  kind: z.literal('fixed'),
  amount: decimal,
  per: z.enum(['day', 'month', 'bill']),
  /** how a partial month counts for `per: 'month'`: calendar days or every month as 30 days */
  monthBasis: z.enum(['calendar', 'fixed-30']).default('calendar'),
  /**
   * a version change inside a bill: split by exact days (default), or charge the whole bill at
   * the version in effect at its start or at its end (no proration)
   */
  versionRule: z.enum(['split-days', 'start', 'end']).default('split-days'),
});

export const tiersSchema = z.strictObject({
  scope: z.enum(['bill', 'month', 'year']),
  yearStart: monthDay.optional(),
  limitsKwh: z.array(nonNegative).min(1),
  limitUnit: z.enum(['kWh', 'kWh-daily']).default('kWh'),
  proration: z.enum(['none', 'days']).default('none'),
  allocation: z.enum(['proportional', 'chronological']),
  tierRates: z.array(rates).optional(),
  adders: z.array(decimal).optional(),
});

export const energySchema = z.strictObject({
  ...base,
  kind: z.literal('energy'),
  schedule: id.optional(),
  rates,
  tiers: tiersSchema.optional(),
});

export const dynamicSchema = z.strictObject({
  ...base,
  kind: z.literal('dynamic'),
  stepSeconds: z.number().int().positive(),
  series: z.array(z.strictObject({ start: effective, prices: z.array(decimal) })),
  fallbackRate: decimal,
});

const demandTier = z.strictObject({ upToKw: nonNegative.optional(), rate: decimal });
export const demandSchema = z.strictObject({
  ...base,
  kind: z.literal('demand'),
  schedule: id.optional(),
  windowMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]),
  rates: z.record(z.string(), z.array(demandTier).min(1)),
});

export const minimumSchema = z.strictObject({
  ...base,
  kind: z.literal('minimum'),
  amount: decimal,
  per: z.enum(['day', 'month', 'bill']),
  appliesTo: z.array(id).optional(),
});

export const discountSchema = z.strictObject({
  ...base,
  kind: z.literal('discount'),
  eligibility: id.optional(),
  type: z.enum(['percent-of-energy', 'percent-of-total', 'per-kwh', 'free-kwh', 'fixed']),
  percent: nonNegative.optional(),
  ratePerKwh: nonNegative.optional(),
  kwhPerMonth: nonNegative.optional(),
  amount: nonNegative.optional(),
  per: z.enum(['day', 'month', 'bill']).optional(),
});

export const taxSchema = z.strictObject({
  ...base,
  kind: z.literal('tax'),
  percent: nonNegative,
  appliesTo: z.array(id).optional(),
});

export const componentSchema = z.discriminatedUnion('kind', [
  fixedSchema,
  energySchema,
  dynamicSchema,
  demandSchema,
  minimumSchema,
  discountSchema,
  taxSchema,
]);

export const tariffVersionSchema = z.strictObject({
  format: z.literal('gridbill-tariff/v1'),
  tariffId: id,
  versionId: id,
  name: z.string().optional(),
  effectiveFrom: effective,
  effectiveTo: effective.optional(),
  timeZone: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "USD"'),
  rounding: z.enum(['half-up', 'half-even', 'down', 'up']),
  roundingLevel: z.enum(['line', 'bill']).default('line'),
  periods: z.array(id).min(1),
  schedules: z.record(z.string(), scheduleSchema).default({}),
  holidays: holidayCalendarSchema.optional(),
  components: z.array(componentSchema).min(1),
  source: z.string().optional(),
});

export type TariffVersion = z.infer<typeof tariffVersionSchema>;
export type TariffComponent = z.infer<typeof componentSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
export type Season = z.infer<typeof seasonSchema>;
export type TimeWindow = z.infer<typeof windowSchema>;
export type Tiers = z.infer<typeof tiersSchema>;
export type EnergyComponent = z.infer<typeof energySchema>;
export type DynamicComponent = z.infer<typeof dynamicSchema>;
export type DemandComponent = z.infer<typeof demandSchema>;
export type FixedComponent = z.infer<typeof fixedSchema>;
export type MinimumComponent = z.infer<typeof minimumSchema>;
export type DiscountComponent = z.infer<typeof discountSchema>;
export type TaxComponent = z.infer<typeof taxSchema>;
/** The JSON shape before defaults are applied (what a file or importer writes). */
export type TariffComponentInput = z.input<typeof componentSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;
