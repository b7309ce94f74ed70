import { currencyExponent, formatDecimal } from '@gridbill/shared/money';

/**
 * Minor units as text in the currency's major unit.
 *
 * @example moneyText(-123456n, 'KES') === 'KES -1234.56'
 */
export function moneyText(minor: bigint | string, currency: string): string {
  return `${currency} ${formatDecimal(BigInt(minor), currencyExponent(currency))}`;
}
