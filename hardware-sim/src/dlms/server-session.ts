import {
  type Aarq,
  type Aare,
  type Apdu,
  type AssociationState,
  type CipheredApdu,
  type GeneralCipheredApdu,
  DEFAULT_CONFORMANCE,
  DlmsDecodeError,
  DlmsSecurityError,
  decodeApdu,
  decodeInitiateRequest,
  decodeXdlms,
  decryptPayload,
  encodeApdu,
  encodeInitiateResponse,
  encryptPayload,
  hlsGmacResponse,
  type InitiateRequest,
  nextAssociationState,
  verifyHlsGmac,
} from '@gridbill/shared/dlms';
import { type ClientProfile, roleForClient } from './access-rights.js';
import type { MeterInvocationCounters, MeterSecurity } from './meter-backend.js';
import type { CosemObject } from './object-model.js';
import {
  type CipherStyle,
  cipherResponse,
  decipherRequest,
  SC_AUTH_ENC,
} from './server-security.js';
import { handleService, type ServiceContext } from './server-services.js';

export interface SessionOptions {
  clientSap: number;
  objects: readonly CosemObject[];
  security: MeterSecurity;
  counters: MeterInvocationCounters;
  random: (byteCount: number) => Uint8Array;
  maxPduBytes: number;
}

/**
 * One association of one client SAP on one connection: APDU bytes in, APDU bytes out.
 * Example: AARQ `601DA109060760857405080101BE10040E01000000065F1F0400401E1DFFFF` from client
 * 16 → AARE accepted, then GET 8:0.0.1.0.0.255:2 → GET-Response with the meter clock.
 */
export class DlmsServerSession {
  state: AssociationState = 'idle';
  private profile: ClientProfile | undefined;
  private clientSystemTitle: Uint8Array = new Uint8Array(8);

  /** The client's system title of the current (HLS) association. */
  get peerSystemTitle(): Uint8Array {
    return this.clientSystemTitle;
  }
  private ctos: Uint8Array = new Uint8Array(0);
  private stoc: Uint8Array = new Uint8Array(0);
  private dedicatedKey: Uint8Array | undefined;
  private readonly ctx: ServiceContext;

  constructor(private readonly options: SessionOptions) {
    this.ctx = {
      objects: options.objects,
      role: 'public',
      maxPduBytes: options.maxPduBytes,
      conformance: 0,
      pendingGet: undefined,
      pendingSet: undefined,
      replyToHls: (reply) => this.replyToHls(reply),
    };
  }

  /** Link reset (SNRM, DISC, new connection): drops the association. */
  reset(): void {
    this.state = 'idle';
    this.profile = undefined;
    this.ctx.pendingGet = undefined;
    this.ctx.pendingSet = undefined;
    this.dedicatedKey = undefined;
  }

  /** Handles one request APDU; returns the response APDU (undefined = no response). */
  handle(bytes: Uint8Array): Uint8Array | undefined {
    let apdu: Apdu;
    try {
      apdu = decodeApdu(bytes);
    } catch (err) {
      if (err instanceof DlmsDecodeError) return exception(2, 3);
      throw err;
    }
    if (apdu.kind === 'aarq') return this.onAarq(apdu);
    if (apdu.kind === 'rlrq') {
      this.state = 'idle';
      return encodeApdu({ kind: 'rlre', reason: 0 });
    }
    if (apdu.kind === 'ciphered' || apdu.kind === 'general-glo-ciphering') {
      return this.onCiphered(apdu);
    }
    if (this.profile?.ciphered) return exception(1, 5);
    return this.service(apdu);
  }

  private service(apdu: Apdu): Uint8Array | undefined {
    const hlsReply =
      apdu.kind === 'action-request-normal' &&
      apdu.method.classId === 15 &&
      apdu.method.methodId === 1;
    if (this.state === 'awaiting-hls' && !hlsReply) return exception(1, 1);
    if (this.state !== 'associated' && this.state !== 'awaiting-hls') return exception(1, 1);
    const response = handleService(this.ctx, apdu);
    return response ? encodeApdu(response) : undefined;
  }

  private onCiphered(apdu: CipheredApdu | GeneralCipheredApdu) {
    const { security, counters } = this.options;
    if (!this.profile?.ciphered || this.state === 'idle') return exception(1, 1);
    let opened: { inner: Apdu; style: CipherStyle };
    try {
      const key = this.dedicatedKey;
      opened = decipherRequest(apdu, this.clientSystemTitle, security, counters, key);
    } catch (err) {
      if (err instanceof DlmsSecurityError && err.code === 'invocation-counter') {
        return exception(1, 6, counters.lowestClientIc());
      }
      if (err instanceof DlmsSecurityError || err instanceof DlmsDecodeError) {
        return exception(1, 5);
      }
      throw err;
    }
    const plain = this.service(opened.inner);
    if (!plain) return undefined;
    if (plain[0] === 0xd8) return plain;
    return cipherResponse(plain, opened.style, security, counters, this.dedicatedKey);
  }

  private onAarq(aarq: Aarq): Uint8Array {
    this.state = nextAssociationState(
      this.state === 'awaiting-aare' ? 'failed' : 'idle',
      'aarq-sent',
    );
    const profile = roleForClient(this.options.clientSap);
    if (!profile) return this.reject(aarq, 1);
    const context = profile.ciphered ? 3 : 1;
    if (aarq.applicationContext !== context) return this.reject(aarq, 2);
    const mechanism = aarq.mechanism ?? 0;
    if (mechanism !== profile.mechanism) return this.reject(aarq, aarq.mechanism ? 11 : 12);
    if (mechanism === 1 && !this.passwordOk(aarq.callingAuthenticationValue)) {
      return this.reject(aarq, 13);
    }
    if (!aarq.userInformation) return this.reject(aarq, 1);
    this.profile = profile;
    return profile.ciphered ? this.acceptHls(aarq) : this.accept(aarq, aarq.userInformation);
  }

  private passwordOk(value: Uint8Array | undefined): boolean {
    const want = new TextEncoder().encode(this.options.security.llsPassword);
    return (
      value !== undefined && value.length === want.length && value.every((b, i) => b === want[i])
    );
  }

  private negotiate(userInformation: Uint8Array): InitiateRequest | undefined {
    try {
      const req = decodeInitiateRequest(userInformation);
      this.ctx.conformance = req.conformance & DEFAULT_CONFORMANCE;
      // Room for glo-ciphering (tag, length, SC, IC, 12-byte tag) in ciphered associations.
      const cipherBytes = this.profile?.ciphered ? 22 : 0;
      const limit = Math.min(this.options.maxPduBytes, Math.max(req.maxPduSize, 64));
      this.ctx.maxPduBytes = Math.max(32, limit - cipherBytes);
      return req.dlmsVersion >= 6 ? req : undefined;
    } catch {
      return undefined;
    }
  }

  private initiateResponse(): Uint8Array {
    return encodeInitiateResponse({
      negotiatedQos: undefined,
      dlmsVersion: 6,
      conformance: this.ctx.conformance,
      maxPduSize: this.options.maxPduBytes,
      vaaName: 0x0007,
    });
  }

  private accept(aarq: Aarq, userInformation: Uint8Array): Uint8Array {
    if (!this.negotiate(userInformation)) return this.reject(aarq, 1);
    this.ctx.role = this.profile!.role;
    this.state = nextAssociationState(this.state, 'aare-accepted');
    return this.aare(aarq, 0, 0, { userInformation: this.initiateResponse() });
  }

  private acceptHls(aarq: Aarq): Uint8Array {
    const { security, counters, random } = this.options;
    const title = aarq.callingApTitle;
    const ctos = aarq.callingAuthenticationValue;
    if (title?.length !== 8 || !ctos || ctos.length < 8) return this.reject(aarq, 13);
    let glo: Apdu;
    try {
      glo = decodeXdlms(aarq.userInformation!);
    } catch {
      return this.reject(aarq, 1);
    }
    if (glo.kind !== 'ciphered' || glo.tag !== 0x21) return this.reject(aarq, 1);
    let plain: Uint8Array;
    try {
      const input = { ...security, ...glo, systemTitle: title };
      plain = decryptPayload(input, glo.payload);
    } catch {
      return this.reject(aarq, 13);
    }
    if (!counters.acceptClientIc(glo.invocationCounter)) {
      this.state = 'idle';
      return exception(1, 6, counters.lowestClientIc());
    }
    const initiate = this.negotiate(plain);
    if (!initiate) return this.reject(aarq, 1);
    const key = initiate.dedicatedKey;
    this.dedicatedKey = key?.length === 16 ? key : undefined;
    this.clientSystemTitle = title;
    this.ctos = ctos;
    this.stoc = random(16);
    this.ctx.role = this.profile!.role;
    this.state = nextAssociationState(this.state, 'aare-accepted-hls-pending');
    const ic = counters.nextServerIc();
    const input = { ...security, securityControl: SC_AUTH_ENC, invocationCounter: ic };
    const payload = encryptPayload(input, this.initiateResponse());
    const userInformation = encodeApdu({
      kind: 'ciphered',
      tag: 0x28,
      securityControl: SC_AUTH_ENC,
      invocationCounter: ic,
      payload,
    });
    return this.aare(aarq, 0, 14, {
      respondingApTitle: security.systemTitle,
      responderAcseRequirements: true,
      mechanism: 5,
      respondingAuthenticationValue: this.stoc,
      userInformation,
    });
  }

  /** HLS pass 3/4: verifies f(StoC), answers f(CtoS). Undefined = verification failed. */
  private replyToHls(reply: Uint8Array): Uint8Array | undefined {
    const { security, counters } = this.options;
    if (this.state !== 'awaiting-hls') return undefined;
    try {
      verifyClientReply(security, this.clientSystemTitle, reply, this.stoc);
    } catch {
      this.state = nextAssociationState(this.state, 'hls-failed');
      return undefined;
    }
    this.state = nextAssociationState(this.state, 'hls-verified');
    return hlsServerReply(security, counters.nextServerIc(), this.ctos);
  }

  private reject(aarq: Aarq, diagnostic: number): Uint8Array {
    this.state = nextAssociationState(this.state, 'aare-rejected');
    this.profile = undefined;
    return this.aare(aarq, 1, diagnostic, {});
  }

  private aare(aarq: Aarq, result: number, diagnostic: number, extra: Partial<Aare>): Uint8Array {
    return encodeApdu({
      kind: 'aare',
      applicationContext: aarq.applicationContext,
      result,
      diagnostic: { source: 'user', value: diagnostic },
      ...extra,
    });
  }
}

function verifyClientReply(
  security: MeterSecurity,
  clientSystemTitle: Uint8Array,
  reply: Uint8Array,
  stoc: Uint8Array,
): void {
  verifyHlsGmac(security, clientSystemTitle, reply, stoc);
}

function hlsServerReply(security: MeterSecurity, ic: number, ctos: Uint8Array): Uint8Array {
  return hlsGmacResponse(security, security.systemTitle, ic, ctos);
}

/** EXCEPTION-Response; service-error 6 carries the expected invocation counter. */
export function exception(stateError: number, serviceError: number, ic?: number): Uint8Array {
  return encodeApdu({
    kind: 'exception-response',
    stateError,
    serviceError,
    ...(serviceError === 6 ? { invocationCounter: ic ?? 0 } : {}),
  });
}
