import {
  type Apdu,
  DlmsSecurityError,
  decodeApdu,
  decryptPayload,
  encodeApdu,
  encryptPayload,
  dedTagFor,
  gloTagFor,
  isDedicatedTag,
} from '@gridbill/shared/dlms';
import type { InvocationCounterAllocator } from './invocation-counter.js';

export interface ClientKeys {
  systemTitle: Uint8Array;
  blockCipherKey: Uint8Array;
  authenticationKey: Uint8Array;
  /** Optional 16-byte dedicated key: proposed in the InitiateRequest, then used for ded-*. */
  dedicatedKey?: Uint8Array;
}

export const SC_AUTH_ENC = 0x30;

/**
 * Client side of glo-ciphering (suite 0, authenticated + encrypted): requests get a fresh
 * invocation counter from the reserve-ahead allocator; responses must come from the server
 * system title with a strictly increasing counter.
 */
export class ClientCipher {
  /** Highest server IC accepted so far (-1 = none); persist it to survive restarts. */
  lastServerIc = -1;
  serverSystemTitle: Uint8Array = new Uint8Array(8);

  constructor(
    readonly keys: ClientKeys,
    readonly counter: InvocationCounterAllocator,
  ) {}

  /**
   * Seals a request: glo-ciphering with the global key, or ded-ciphering once a dedicated key
   * was proposed in the InitiateRequest (`tag` forces one, e.g. 0x21 glo-initiate-request).
   */
  async seal(plain: Uint8Array, tag?: number): Promise<Uint8Array> {
    const invocationCounter = await this.counter.next();
    const ded = tag === undefined && this.keys.dedicatedKey !== undefined;
    const wireTag = tag ?? (ded ? dedTagFor(plain[0]!) : gloTagFor(plain[0]!));
    const blockCipherKey = ded ? this.keys.dedicatedKey! : this.keys.blockCipherKey;
    const payload = encryptPayload(
      { ...this.keys, blockCipherKey, securityControl: SC_AUTH_ENC, invocationCounter },
      plain,
    );
    return encodeApdu({
      kind: 'ciphered',
      tag: wireTag,
      securityControl: SC_AUTH_ENC,
      invocationCounter,
      payload,
    });
  }

  /** Opens a ciphered response; plain APDUs (e.g. EXCEPTION-Response) pass through. */
  open(bytes: Uint8Array): Apdu {
    const apdu = decodeApdu(bytes);
    if (apdu.kind !== 'ciphered' && apdu.kind !== 'general-glo-ciphering') return apdu;
    const systemTitle = apdu.kind === 'ciphered' ? this.serverSystemTitle : apdu.systemTitle;
    const ded = apdu.kind === 'ciphered' && isDedicatedTag(apdu.tag);
    if (ded && !this.keys.dedicatedKey) {
      throw new DlmsSecurityError('unsupported', 'ded-ciphered response without a dedicated key');
    }
    const blockCipherKey = ded ? this.keys.dedicatedKey! : this.keys.blockCipherKey;
    const input = { ...this.keys, ...apdu, blockCipherKey, systemTitle };
    const plain = decryptPayload(input, apdu.payload);
    if (apdu.invocationCounter <= this.lastServerIc) {
      throw new DlmsSecurityError(
        'invocation-counter',
        `server IC ${apdu.invocationCounter} not above ${this.lastServerIc} (replay?)`,
      );
    }
    this.lastServerIc = apdu.invocationCounter;
    return decodeApdu(plain);
  }
}
