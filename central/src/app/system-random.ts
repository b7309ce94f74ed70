import { randomBytes } from 'node:crypto';
import type { RandomSource } from '@gridbill/shared/ids';

/** The operating system's CSPRNG; only daemons and CLIs create it, everything else is injected. */
export function createSystemRandom(): RandomSource {
  return (byteCount) => Uint8Array.from(randomBytes(byteCount));
}
