/**
 * xDLMS conformance block (24-bit BIT STRING). Bit 0 is the most significant bit.
 *
 * Example: `conformanceNames(0x401e1d)` → ['general-protection',
 * 'block-transfer-with-get-or-read', 'block-transfer-with-set-or-write',
 * 'block-transfer-with-action', 'multiple-references', 'get', 'set', 'selective-access',
 * 'action'].
 */
export const CONFORMANCE_BITS = [
  'reserved-zero',
  'general-protection',
  'general-block-transfer',
  'read',
  'write',
  'unconfirmed-write',
  'delta-value-encoding',
  'reserved-seven',
  'attribute0-supported-with-set',
  'priority-mgmt-supported',
  'attribute0-supported-with-get',
  'block-transfer-with-get-or-read',
  'block-transfer-with-set-or-write',
  'block-transfer-with-action',
  'multiple-references',
  'information-report',
  'data-notification',
  'access',
  'parameterized-access',
  'get',
  'set',
  'selective-access',
  'event-notification',
  'action',
] as const;

export type ConformanceName = (typeof CONFORMANCE_BITS)[number];

export function conformanceBit(name: ConformanceName): number {
  return 1 << (23 - CONFORMANCE_BITS.indexOf(name));
}

export function conformanceOf(names: readonly ConformanceName[]): number {
  return names.reduce((acc, n) => acc | conformanceBit(n), 0);
}

export function conformanceNames(value: number): ConformanceName[] {
  return CONFORMANCE_BITS.filter((n) => (value & conformanceBit(n)) !== 0);
}

/** What our client proposes and our server supports (Gurux client default: 0x401E1D). */
export const DEFAULT_CONFORMANCE = conformanceOf([
  'general-protection',
  'block-transfer-with-get-or-read',
  'block-transfer-with-set-or-write',
  'block-transfer-with-action',
  'multiple-references',
  'get',
  'set',
  'selective-access',
  'action',
]);
