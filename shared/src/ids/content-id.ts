import { hash } from 'node:crypto';

export type ContentIdPart = string | number | bigint;

/**
 * Deterministic UUID-formatted id (version 8, RFC 9562 Appendix B.2 style) from the SHA-256
 * of a namespace and parts, for idempotent records: the same inputs give the same id on the
 * edge and in the centre. Parts are encoded unambiguously (JSON array of tagged values), so
 * ('ab', 'c') and ('a', 'bc') differ; integers are tagged alike whether number or bigint
 * (1 and 1n give the same id); strings differ from numbers ('1' ≠ 1). Non-integer numbers
 * are rejected: ids never depend on floating point.
 *
 * @example contentId('charge', 'meter-7', 1711843200000, 'tou-v3')
 * // 'c28610f2-3993-8380-a792-5e65f14d9c23' (fixed forever: stored ids depend on it)
 */
export function contentId(namespace: string, ...parts: ContentIdPart[]): string {
  if (namespace.length === 0) throw new RangeError('contentId: namespace must not be empty');
  // Same text as JSON.stringify([namespace, ...tagged parts]), built without the array.
  let encoded = `[${JSON.stringify(namespace)}`;
  for (let i = 0; i < parts.length; i++) encoded += `,${encodePart(parts[i], i, namespace)}`;
  const hex = hash('sha256', `${encoded}]`, 'hex');
  // Version 8 in the 13th hex digit; variant 0b10 in the top bits of the 17th.
  const variant = VARIANT_DIGIT[hex.charCodeAt(16) - (hex.charCodeAt(16) > 57 ? 87 : 48)];
  return (
    `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-` +
    `${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  );
}

/** Hex digit with its top two bits replaced by 0b10, indexed by the digit's value. */
const VARIANT_DIGIT = '89ab89ab89ab89ab';

/** A part as JSON text: '"s<string>"' or '"i<integer>"'. */
function encodePart(part: ContentIdPart | undefined, index: number, namespace: string): string {
  if (typeof part === 'string') return JSON.stringify(`s${part}`);
  if (typeof part === 'bigint') return `"i${part}"`;
  if (typeof part === 'number' && Number.isSafeInteger(part)) return `"i${part === 0 ? 0 : part}"`;
  throw new RangeError(
    `contentId(${namespace}): part ${index} must be a string, bigint or safe integer, ` +
      `got ${String(part)}`,
  );
}
