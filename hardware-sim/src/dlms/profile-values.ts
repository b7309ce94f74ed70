import type { DlmsValue } from '@gridbill/shared/dlms';

/**
 * Register value encoding: double-long-unsigned when it fits, else long64(-unsigned).
 * Example: 1234n → { type: 'double-long-unsigned', value: 1234 }.
 */
export function registerValue(value: bigint): DlmsValue {
  if (value >= 0n && value <= 0xffffffffn)
    return { type: 'double-long-unsigned', value: Number(value) };
  return { type: value < 0n ? 'long64' : 'long64-unsigned', value };
}
