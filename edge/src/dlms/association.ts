import {
  type Aare,
  type Apdu,
  DEFAULT_CONFORMANCE,
  decodeApdu,
  decodeInitiateResponse,
  decodeXdlms,
  decryptPayload,
  encodeApdu,
  encodeInitiateRequest,
  hlsGmacResponse,
  type InitiateResponse,
  parseObis,
  verifyHlsGmac,
} from '@gridbill/shared/dlms';
import type { ClientCipher } from './client-security.js';
import { DlmsAssociationRejectedError, DlmsProtocolError, exceptionMessage } from './errors.js';

export type AuthLevel = 'none' | 'low' | 'high-gmac';

export interface AssociationRequest {
  auth: AuthLevel;
  password?: string;
  maxPduSize: number;
  cipher?: ClientCipher;
  random: (byteCount: number) => Uint8Array;
}

export interface Associated {
  initiate: InitiateResponse;
  /** HLS challenge we sent, for pass 4. */
  ctos?: Uint8Array;
  stoc?: Uint8Array;
}

/** Builds the AARQ for the auth level. Example: 'none' → 601DA109...BE10040E01...FFFF. */
export async function buildAarq(
  req: AssociationRequest,
): Promise<{ bytes: Uint8Array; ctos?: Uint8Array }> {
  const initiate = encodeInitiateRequest({
    dedicatedKey: req.auth === 'high-gmac' ? req.cipher?.keys.dedicatedKey : undefined,
    responseAllowed: undefined,
    proposedQos: undefined,
    dlmsVersion: 6,
    conformance: DEFAULT_CONFORMANCE,
    maxPduSize: req.maxPduSize,
  });
  if (req.auth === 'none') {
    return {
      bytes: encodeApdu({ kind: 'aarq', applicationContext: 1, userInformation: initiate }),
    };
  }
  if (req.auth === 'low') {
    const password = new TextEncoder().encode(req.password ?? '');
    const bytes = encodeApdu({
      kind: 'aarq',
      applicationContext: 1,
      senderAcseRequirements: true,
      mechanism: 1,
      callingAuthenticationValue: password,
      userInformation: initiate,
    });
    return { bytes };
  }
  const cipher = req.cipher!;
  const ctos = req.random(16);
  const bytes = encodeApdu({
    kind: 'aarq',
    applicationContext: 3,
    callingApTitle: cipher.keys.systemTitle,
    senderAcseRequirements: true,
    mechanism: 5,
    callingAuthenticationValue: ctos,
    userInformation: await cipher.seal(initiate, 0x21),
  });
  return { bytes, ctos };
}

/** Checks the AARE; returns the negotiated InitiateResponse or throws a typed error. */
export function acceptAare(bytes: Uint8Array, req: AssociationRequest): Associated {
  const apdu = decodeApdu(bytes);
  if (apdu.kind === 'exception-response') {
    throw new DlmsProtocolError(
      exceptionMessage(apdu.serviceError, apdu.invocationCounter),
      apdu.invocationCounter,
    );
  }
  if (apdu.kind !== 'aare') throw new DlmsProtocolError(`expected AARE, got ${apdu.kind}`);
  if (apdu.result !== 0) {
    throw new DlmsAssociationRejectedError(
      apdu.result,
      apdu.diagnostic.source,
      apdu.diagnostic.value,
    );
  }
  if (!apdu.userInformation) {
    throw new DlmsProtocolError('AARE accepted without user-information (no InitiateResponse)');
  }
  if (req.auth !== 'high-gmac') return { initiate: decodeInitiateOrError(apdu.userInformation) };
  return acceptHlsAare(apdu, req);
}

function decodeInitiateOrError(userInformation: Uint8Array): InitiateResponse {
  if (userInformation[0] === 0x0e) {
    const e = decodeXdlms(userInformation);
    throw new DlmsProtocolError(`AARE carries confirmed-service-error ${JSON.stringify(e)}`);
  }
  return decodeInitiateResponse(userInformation);
}

function acceptHlsAare(aare: Aare, req: AssociationRequest): Associated {
  const cipher = req.cipher!;
  const title = aare.respondingApTitle;
  const stoc = aare.respondingAuthenticationValue;
  if (title?.length !== 8 || !stoc) {
    throw new DlmsProtocolError('HLS AARE lacks responding-AP-title or StoC challenge');
  }
  cipher.serverSystemTitle = title;
  const glo = decodeXdlms(aare.userInformation!);
  if (glo.kind !== 'ciphered' || glo.tag !== 0x28) {
    throw new DlmsProtocolError('HLS AARE user-information is not a glo-initiate-response');
  }
  const plain = decryptPayload({ ...cipher.keys, ...glo, systemTitle: title }, glo.payload);
  return { initiate: decodeInitiateOrError(plain), stoc };
}

/** HLS pass 3: reply_to_HLS_authentication on the current Association LN object. */
export async function hlsPass3(cipher: ClientCipher, stoc: Uint8Array): Promise<Apdu> {
  const ic = await cipher.counter.next();
  const reply = hlsGmacResponse(cipher.keys, cipher.keys.systemTitle, ic, stoc);
  return {
    kind: 'action-request-normal',
    invokeId: 0xc1,
    method: { classId: 15, obis: parseObis('0.0.40.0.0.255'), methodId: 1 },
    parameters: { type: 'octet-string', value: reply },
  };
}

/** HLS pass 4: the meter's f(CtoS) must verify with its system title. */
export function hlsPass4(cipher: ClientCipher, response: Apdu, ctos: Uint8Array): void {
  if (response.kind !== 'action-response-normal' || response.result !== 0) {
    throw new DlmsAssociationRejectedError(1, 'user', 13, 'meter refused our HLS reply (pass 3)');
  }
  const data = response.returnData;
  if (!data || !('data' in data) || data.data.type !== 'octet-string') {
    throw new DlmsProtocolError('HLS pass 4: no octet-string in the reply');
  }
  verifyHlsGmac(cipher.keys, cipher.serverSystemTitle, data.data.value, ctos);
}
