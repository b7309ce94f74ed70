import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concatBytes } from './byte-reader.js';
import { DlmsSecurityError } from './errors.js';

/**
 * Security suite 0 (AES-GCM-128, 12-byte tags). Pure: keys, system title and IC come in.
 *
 * IV = system title (8) ‖ IC (4, big-endian). AAD = SC ‖ AK (‖ plaintext for auth-only).
 * Security control byte: 0x10 authenticated, 0x20 encrypted, 0x30 both; low nibble = suite.
 *
 * Example (Green Book): SC 0x30, ST 4D4D4D0000BC614E, IC 0x01234567, EK 00..0F,
 * AK D0..DF, plaintext C0010000080000010000FF0200 → 411312FF935A47566827C467BC ‖
 * 7D825C3BE4A77C3FCC056B6B.
 */
export interface CipherInput {
  securityControl: number;
  systemTitle: Uint8Array;
  invocationCounter: number;
  blockCipherKey: Uint8Array;
  authenticationKey: Uint8Array;
}

export const SC_AUTHENTICATED = 0x10;
export const SC_ENCRYPTED = 0x20;
export const TAG_BYTES = 12;

function iv(systemTitle: Uint8Array, ic: number): Uint8Array {
  if (systemTitle.length !== 8) {
    throw new DlmsSecurityError(
      'bad-input',
      `system title must be 8 bytes, got ${systemTitle.length}`,
    );
  }
  const out = new Uint8Array(12);
  out.set(systemTitle);
  new DataView(out.buffer).setUint32(8, ic >>> 0);
  return out;
}

function checkInput(c: CipherInput): void {
  if (c.blockCipherKey.length !== 16) {
    throw new DlmsSecurityError('bad-input', 'block cipher key must be 16 bytes');
  }
  if ((c.securityControl & 0x0f) !== 0) {
    throw new DlmsSecurityError('unsupported', `security suite ${c.securityControl & 0x0f}`);
  }
  if ((c.securityControl & 0x30) === 0) {
    throw new DlmsSecurityError('unsupported', 'security control has neither auth nor enc');
  }
}

/** Returns the ciphered payload that follows SC ‖ IC in a glo-/general-glo APDU. */
export function encryptPayload(c: CipherInput, plaintext: Uint8Array): Uint8Array {
  checkInput(c);
  const auth = (c.securityControl & SC_AUTHENTICATED) !== 0;
  const enc = (c.securityControl & SC_ENCRYPTED) !== 0;
  if (!auth) return ctr(c, plaintext);
  const aad = concatBytes(Uint8Array.of(c.securityControl), c.authenticationKey);
  const cipher = createCipheriv(
    'aes-128-gcm',
    c.blockCipherKey,
    iv(c.systemTitle, c.invocationCounter),
    {
      authTagLength: TAG_BYTES,
    },
  );
  cipher.setAAD(enc ? aad : concatBytes(aad, plaintext));
  const body = enc ? concatBytes(cipher.update(plaintext), cipher.final()) : plaintext;
  if (!enc) cipher.final();
  return concatBytes(body, cipher.getAuthTag());
}

/** Inverse of `encryptPayload`; throws `DlmsSecurityError('tag-mismatch')` on a bad tag. */
export function decryptPayload(c: CipherInput, payload: Uint8Array): Uint8Array {
  checkInput(c);
  const auth = (c.securityControl & SC_AUTHENTICATED) !== 0;
  const enc = (c.securityControl & SC_ENCRYPTED) !== 0;
  if (!auth) return ctr(c, payload);
  if (payload.length < TAG_BYTES) {
    throw new DlmsSecurityError('tag-mismatch', `payload of ${payload.length} bytes has no tag`);
  }
  const body = payload.subarray(0, payload.length - TAG_BYTES);
  const tag = payload.subarray(payload.length - TAG_BYTES);
  const d = createDecipheriv(
    'aes-128-gcm',
    c.blockCipherKey,
    iv(c.systemTitle, c.invocationCounter),
    {
      authTagLength: TAG_BYTES,
    },
  );
  const aad = concatBytes(Uint8Array.of(c.securityControl), c.authenticationKey);
  d.setAAD(enc ? aad : concatBytes(aad, body));
  d.setAuthTag(tag);
  try {
    const plain = enc ? concatBytes(d.update(body), d.final()) : body;
    if (!enc) d.final();
    return Uint8Array.from(plain);
  } catch {
    throw new DlmsSecurityError('tag-mismatch', `GCM tag mismatch (IC ${c.invocationCounter})`);
  }
}

/** Encryption only (SC 0x20): GCM's CTR stream, counter block J0 + 1 = IV ‖ 00000002. */
function ctr(c: CipherInput, data: Uint8Array): Uint8Array {
  const counter = concatBytes(iv(c.systemTitle, c.invocationCounter), Uint8Array.of(0, 0, 0, 2));
  const cipher = createCipheriv('aes-128-ctr', c.blockCipherKey, counter);
  return Uint8Array.from(concatBytes(cipher.update(data), cipher.final()));
}

/**
 * HLS-GMAC (mechanism 5) reply: SC 0x10 ‖ IC ‖ GMAC(EK, ST ‖ IC, 0x10 ‖ AK ‖ challenge).
 * Example (Green Book): ST 4D4D4D0000000001, IC 1, StoC 'P6wRJ21F' →
 * 10 00000001 1A52FE7DD3E72748973C1E28.
 */
export function hlsGmacResponse(
  keys: { blockCipherKey: Uint8Array; authenticationKey: Uint8Array },
  systemTitle: Uint8Array,
  invocationCounter: number,
  challenge: Uint8Array,
): Uint8Array {
  const input = { ...keys, securityControl: SC_AUTHENTICATED, systemTitle, invocationCounter };
  const tag = encryptPayload(input, challenge).subarray(challenge.length);
  const head = new Uint8Array(5);
  head[0] = SC_AUTHENTICATED;
  new DataView(head.buffer).setUint32(1, invocationCounter >>> 0);
  return concatBytes(head, tag);
}

/** Checks a peer's HLS-GMAC reply against our challenge; returns the IC it used. */
export function verifyHlsGmac(
  keys: { blockCipherKey: Uint8Array; authenticationKey: Uint8Array },
  peerSystemTitle: Uint8Array,
  reply: Uint8Array,
  challenge: Uint8Array,
): number {
  if (reply.length !== 5 + TAG_BYTES || reply[0] !== SC_AUTHENTICATED) {
    throw new DlmsSecurityError('tag-mismatch', 'HLS-GMAC reply must be 10 ‖ IC ‖ tag(12)');
  }
  const ic = new DataView(reply.buffer, reply.byteOffset + 1, 4).getUint32(0);
  const want = hlsGmacResponse(keys, peerSystemTitle, ic, challenge);
  if (!want.every((v, i) => v === reply[i])) {
    throw new DlmsSecurityError('tag-mismatch', 'HLS-GMAC authentication tag mismatch');
  }
  return ic;
}
