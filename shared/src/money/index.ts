export { allocate } from './allocate.js';
export { currencyExponent, knownCurrencyCodes } from './currency.js';
export { DecimalParseError, formatDecimal, parseDecimal } from './decimal.js';
export { PRICE_SCALE } from './price.js';
export type { RoundingRule } from './rounding.js';
export {
  assertRoundingRule,
  assertScale,
  divRound,
  divRoundSafe,
  ROUNDING_RULES,
  rescale,
} from './rounding.js';
