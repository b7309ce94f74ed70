export type { LabelledPeriod } from './bill-periods.js';
export { billPeriods } from './bill-periods.js';
export { toJson, toTable } from './format-output.js';
export { InputError } from './input-error.js';
export type { RateOptions } from './rate-tariff.js';
export { rateTariff } from './rate-tariff.js';
export { parseHourly8760, parseUsageCsv } from './usage-csv.js';
