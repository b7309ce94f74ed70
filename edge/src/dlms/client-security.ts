import {
  type Apdu,
  DlmsSecurityError,
  decodeApdu,
  decryptPayload,
  encodeApdu,
  encryptPayload,
  gloTagFor,
} from '@gridbill/shared/dlms';
import type { InvocationCounterAllocator } from './invocation-counter.js';

export interface ClientKeys {
  systemTitle: Uint8Array;
  blockCipherKey: Uint8Array;
  authenticationKey: Uint8Array;
}

export const SC_AUTH_ENC = 0x30;

/**
 * Client side of glo-ciphering (suite 0, authenticated + encrypted): requests get a fresh
 * invocation counter from the reserve-ahead allocator; responses must come from the server
 * system title with a strictly increasing counter.
 */
export class ClientCipher {
  private lastServerIc = -1;
  serverSystemTitle: Uint8Array = new Uint8Array(8);

  constructor(
    readonly keys: ClientKeys,
    readonly counter: InvocationCounterAllocator,
  ) {}

  async seal(plain: Uint8Array, tag = gloTagFor(plain[0]!)): Promise<Uint8Array> {
    const invocationCounter = await this.counter.next();
    const payload = encryptPayload(
      { ...this.keys, securityControl: SC_AUTH_ENC, invocationCounter },
      plain,
    );
    return encodeApdu({
      kind: 'ciphered',
      tag,
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
    const plain = decryptPayload({ ...this.keys, ...apdu, systemTitle }, apdu.payload);
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
