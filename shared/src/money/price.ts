/**
 * Prices are integers in 1e-6 of the currency's major unit per unit of quantity.
 * `0.31868` USD/kWh is stored as `318680n` at `PRICE_SCALE`.
 *
 * @example parseDecimal('0.31868', PRICE_SCALE) // 318680n
 */
export const PRICE_SCALE = 6;
