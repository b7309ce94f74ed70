import {
  type Apdu,
  DlmsSecurityError,
  decodeApdu,
  decryptPayload,
  encodeApdu,
  encryptPayload,
  type GeneralCipheredApdu,
  type CipheredApdu,
  dedTagFor,
  gloTagFor,
  isDedicatedTag,
} from '@gridbill/shared/dlms';
import type { MeterInvocationCounters, MeterSecurity } from './meter-backend.js';

/** How a ciphered request arrived, so the response goes back the same way. */
export type CipherStyle = 'glo' | 'ded' | 'general-glo';

export const SC_AUTH_ENC = 0x30;

/**
 * Unwraps a ciphered request (glo-* or general-glo-ciphering) after checking the client's
 * invocation counter is not below the meter's floor. Throws `DlmsSecurityError`.
 * Example: C8 1E 30 01234567 <ct+tag> with the Green Book keys → GET clock request.
 */
export function decipherRequest(
  apdu: CipheredApdu | GeneralCipheredApdu,
  clientSystemTitle: Uint8Array,
  security: MeterSecurity,
  counters: MeterInvocationCounters,
  dedicatedKey?: Uint8Array,
): { inner: Apdu; style: CipherStyle } {
  const systemTitle = apdu.kind === 'ciphered' ? clientSystemTitle : apdu.systemTitle;
  const ded = apdu.kind === 'ciphered' && isDedicatedTag(apdu.tag);
  if (ded && !dedicatedKey) {
    throw new DlmsSecurityError('unsupported', 'ded-ciphered request without a dedicated key');
  }
  const plain = decryptPayload(
    {
      securityControl: apdu.securityControl,
      systemTitle,
      invocationCounter: apdu.invocationCounter,
      blockCipherKey: ded ? dedicatedKey! : security.blockCipherKey,
      authenticationKey: security.authenticationKey,
    },
    apdu.payload,
  );
  if (!counters.acceptClientIc(apdu.invocationCounter)) {
    throw new DlmsSecurityError(
      'invocation-counter',
      `client IC ${apdu.invocationCounter} below ${counters.lowestClientIc()}`,
    );
  }
  const style = apdu.kind !== 'ciphered' ? 'general-glo' : ded ? 'ded' : 'glo';
  return { inner: decodeApdu(plain), style };
}

/** Ciphers a response APDU with the meter's next invocation counter. */
export function cipherResponse(
  plain: Uint8Array,
  style: CipherStyle,
  security: MeterSecurity,
  counters: MeterInvocationCounters,
  dedicatedKey?: Uint8Array,
): Uint8Array {
  const invocationCounter = counters.nextServerIc();
  const ded = style === 'ded' && dedicatedKey !== undefined;
  const payload = encryptPayload(
    {
      securityControl: SC_AUTH_ENC,
      systemTitle: security.systemTitle,
      invocationCounter,
      blockCipherKey: ded ? dedicatedKey : security.blockCipherKey,
      authenticationKey: security.authenticationKey,
    },
    plain,
  );
  const common = { securityControl: SC_AUTH_ENC, invocationCounter, payload };
  if (style === 'general-glo') {
    return encodeApdu({
      kind: 'general-glo-ciphering',
      systemTitle: security.systemTitle,
      ...common,
    });
  }
  const tag = ded ? dedTagFor(plain[0]!) : gloTagFor(plain[0]!);
  return encodeApdu({ kind: 'ciphered', tag, ...common });
}

/** In-memory counters used when the backend keeps none. */
export function memoryCounters(): MeterInvocationCounters {
  let lowest = 0;
  let server = 0;
  return {
    lowestClientIc: () => lowest,
    acceptClientIc: (ic) => {
      if (ic < lowest) return false;
      lowest = ic + 1;
      return true;
    },
    nextServerIc: () => server++,
  };
}
