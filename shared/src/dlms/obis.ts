/**
 * OBIS codes (IEC 62056-61): six value groups A-B:C.D.E*F, stored as 6 bytes.
 *
 * Example: `parseObis('1-0:1.8.0*255')` and `parseObis('1.0.1.8.0.255')` → `01 00 01 08 00 FF`;
 * `formatObis(Uint8Array.of(1,0,1,8,0,255))` → '1.0.1.8.0.255'.
 */
export type ObisCode = Uint8Array;

export class ObisParseError extends Error {
  constructor(text: string, reason: string) {
    super(`OBIS code '${text}': ${reason}`);
    this.name = 'ObisParseError';
  }
}

/** Accepts dotted ('1.0.1.8.0.255'), IEC ('1-0:1.8.0*255', '1-0:1.8.0' → F = 255). */
export function parseObis(text: string): ObisCode {
  const trimmed = text.trim();
  const parts = trimmed.split(/[.\-:*]/);
  if (parts.length === 5 && /^\d+-\d+:\d+\.\d+\.\d+$/.test(trimmed)) parts.push('255');
  if (parts.length !== 6) throw new ObisParseError(text, 'need 6 value groups (A.B.C.D.E.F)');
  const out = new Uint8Array(6);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p)) throw new ObisParseError(text, `group ${i + 1} '${p}' not a number`);
    const v = Number.parseInt(p, 10);
    if (v > 255) throw new ObisParseError(text, `group ${i + 1} = ${v} exceeds 255`);
    out[i] = v;
  });
  return out;
}

export function formatObis(code: Uint8Array): string {
  if (code.length !== 6) throw new ObisParseError(`<${code.length} bytes>`, 'need 6 bytes');
  return Array.from(code).join('.');
}

/** IEC notation. Example: `01 00 01 08 00 FF` → '1-0:1.8.0*255'. */
export function formatObisIec(code: Uint8Array): string {
  const [a, b, c, d, e, f] = Array.from(code);
  return `${a}-${b}:${c}.${d}.${e}*${f}`;
}

/**
 * Wildcard match: pattern groups may be '*' (any value) or a number.
 * Example: `obisMatches('1.0.*.8.*.255', parseObis('1.0.2.8.1.255'))` → true.
 */
export function obisMatches(pattern: string, code: Uint8Array): boolean {
  const groups = pattern.split('.');
  if (groups.length !== 6 || code.length !== 6) return false;
  return groups.every((g, i) => g === '*' || Number.parseInt(g, 10) === code[i]);
}

export function obisEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === 6 && b.length === 6 && a.every((v, i) => v === b[i]);
}
