import { ByteReader, ByteWriter } from './byte-reader.js';

/**
 * ACSE APDUs (BER): AARQ 0x60, AARE 0x61, RLRQ 0x62, RLRE 0x63. One field table per APDU
 * drives both encoding and decoding; fields are written in ascending tag order.
 *
 * Example: `62 03 80 01 00` ↔ `{ kind: 'rlrq', reason: 0 }`.
 */
export type ApplicationContext = 1 | 2 | 3 | 4;
/** 1 LN, 2 SN, 3 LN with ciphering, 4 SN with ciphering. */
export const CONTEXT_NAMES: Record<number, string> = {
  1: 'logical-name',
  2: 'short-name',
  3: 'logical-name-with-ciphering',
  4: 'short-name-with-ciphering',
};

/** Mechanism ids: 0 none, 1 LLS, 2 HLS, 3 MD5, 4 SHA1, 5 HLS-GMAC, 6 SHA256, 7 ECDSA. */
export type MechanismId = number;

export interface Aarq {
  kind: 'aarq';
  protocolVersion?: Uint8Array;
  applicationContext: number;
  callingApTitle?: Uint8Array;
  senderAcseRequirements?: boolean;
  mechanism?: MechanismId;
  callingAuthenticationValue?: Uint8Array;
  userInformation?: Uint8Array;
}

/** Result: 0 accepted, 1 rejected-permanent, 2 rejected-transient. */
export interface Aare {
  kind: 'aare';
  protocolVersion?: Uint8Array;
  applicationContext: number;
  result: number;
  /** acse-service-user (1) or acse-service-provider (2) diagnostic. */
  diagnostic: { source: 'user' | 'provider'; value: number };
  respondingApTitle?: Uint8Array;
  responderAcseRequirements?: boolean;
  mechanism?: MechanismId;
  respondingAuthenticationValue?: Uint8Array;
  userInformation?: Uint8Array;
}

export interface Rlrq {
  kind: 'rlrq';
  reason?: number;
  userInformation?: Uint8Array;
}

export interface Rlre {
  kind: 'rlre';
  reason?: number;
  userInformation?: Uint8Array;
}

export type AcseApdu = Aarq | Aare | Rlrq | Rlre;

/** acse-service-user diagnostics (Green Book). */
export const ACSE_USER_DIAGNOSTICS: Record<number, string> = {
  0: 'null',
  1: 'no-reason-given',
  2: 'application-context-name-not-supported',
  11: 'authentication-mechanism-name-not-recognised',
  12: 'authentication-mechanism-name-required',
  13: 'authentication-failure',
  14: 'authentication-required',
};

const CONTEXT_OID = [0x60, 0x85, 0x74, 0x05, 0x08, 0x01];
const MECHANISM_OID = [0x60, 0x85, 0x74, 0x05, 0x08, 0x02];

type FieldKind = 'raw' | 'context' | 'title' | 'acse-req' | 'mech' | 'auth' | 'user' | 'int';
type Field = [tag: number, name: string, kind: FieldKind];

const FIELDS: Record<AcseApdu['kind'], { tag: number; fields: Field[] }> = {
  aarq: {
    tag: 0x60,
    fields: [
      [0xa0, 'protocolVersion', 'raw'],
      [0xa1, 'applicationContext', 'context'],
      [0xa6, 'callingApTitle', 'title'],
      [0x8a, 'senderAcseRequirements', 'acse-req'],
      [0x8b, 'mechanism', 'mech'],
      [0xac, 'callingAuthenticationValue', 'auth'],
      [0xbe, 'userInformation', 'user'],
    ],
  },
  aare: {
    tag: 0x61,
    fields: [
      [0xa0, 'protocolVersion', 'raw'],
      [0xa1, 'applicationContext', 'context'],
      [0xa2, 'result', 'int'],
      [0xa3, 'diagnostic', 'raw'],
      [0xa4, 'respondingApTitle', 'title'],
      [0x88, 'responderAcseRequirements', 'acse-req'],
      [0x89, 'mechanism', 'mech'],
      [0xaa, 'respondingAuthenticationValue', 'auth'],
      [0xbe, 'userInformation', 'user'],
    ],
  },
  rlrq: {
    tag: 0x62,
    fields: [
      [0x80, 'reason', 'int'],
      [0xbe, 'userInformation', 'user'],
    ],
  },
  rlre: {
    tag: 0x63,
    fields: [
      [0x80, 'reason', 'int'],
      [0xbe, 'userInformation', 'user'],
    ],
  },
};

const KIND_BY_TAG = new Map(Object.entries(FIELDS).map(([k, v]) => [v.tag, k]));

export function isAcseTag(tag: number): boolean {
  return KIND_BY_TAG.has(tag);
}

export function encodeAcse(apdu: AcseApdu): Uint8Array {
  const spec = FIELDS[apdu.kind];
  const body = new ByteWriter();
  const record = toRecord(apdu);
  for (const [tag, name, kind] of spec.fields) {
    const value = record[name];
    if (value === undefined) continue;
    const content = encodeField(kind, value, tag);
    body.u8(tag).length(content.length).put(content);
  }
  const bytes = body.bytes();
  return new ByteWriter().u8(spec.tag).length(bytes.length).put(bytes).bytes();
}

function toRecord(apdu: AcseApdu): Record<string, unknown> {
  if (apdu.kind !== 'aare') return { ...apdu };
  const d = apdu.diagnostic;
  const inner = [0x02, 0x01, d.value];
  const diag = Uint8Array.of(d.source === 'user' ? 0xa1 : 0xa2, 3, ...inner);
  return { ...apdu, diagnostic: diag };
}

function encodeField(kind: FieldKind, value: unknown, tag: number): Uint8Array {
  switch (kind) {
    case 'context':
      return Uint8Array.of(0x06, 0x07, ...CONTEXT_OID, value as number);
    case 'mech':
      return Uint8Array.of(...MECHANISM_OID, value as number);
    case 'title':
      return tlv(0x04, value as Uint8Array);
    case 'auth':
      return tlv(0x80, value as Uint8Array);
    case 'user':
      return tlv(0x04, value as Uint8Array);
    case 'acse-req':
      return Uint8Array.of(0x07, 0x80);
    case 'int':
      return tag === 0x80 ? Uint8Array.of(value as number) : Uint8Array.of(2, 1, value as number);
    default:
      return value as Uint8Array;
  }
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  return new ByteWriter().u8(tag).length(value.length).put(value).bytes();
}

/** Decodes one ACSE APDU; unknown or duplicated fields and trailing bytes are errors. */
export function decodeAcse(bytes: Uint8Array): AcseApdu {
  const r: ByteReader = new ByteReader(bytes, 'ACSE');
  const tag = r.u8();
  const kind = KIND_BY_TAG.get(tag) as AcseApdu['kind'] | undefined;
  if (!kind) r.fail(`not an ACSE APDU tag 0x${tag.toString(16)}`, 0);
  const length = r.length();
  if (length !== r.remaining) r.fail(`APDU length ${length} but ${r.remaining} bytes follow`, 1);
  const out: Record<string, unknown> = { kind };
  const fields = FIELDS[kind].fields;
  let lastIndex = -1;
  while (r.remaining > 0) {
    const at = r.offset;
    const ftag = r.u8();
    const index = fields.findIndex((f) => f[0] === ftag);
    if (index < 0) r.fail(`unexpected field tag 0x${ftag.toString(16)} in ${kind}`, at);
    if (index <= lastIndex) r.fail(`field 0x${ftag.toString(16)} out of order or repeated`, at);
    lastIndex = index;
    const [, name, fkind] = fields[index]!;
    const size = r.length();
    r.need(size);
    const content = new ByteReader(bytes.subarray(0, r.offset + size), `${kind}.${name}`);
    content.offset = r.offset;
    r.offset += size;
    out[name] = decodeField(fkind, content, ftag);
  }
  return finish(kind, out, r);
}

function finish(kind: AcseApdu['kind'], out: Record<string, unknown>, r: ByteReader): AcseApdu {
  if (kind === 'aarq' && out.applicationContext === undefined) {
    r.fail('AARQ without application-context-name', 0);
  }
  if (kind === 'aare') {
    if (out.applicationContext === undefined || out.result === undefined) {
      r.fail('AARE needs application-context-name and result', 0);
    }
    out.diagnostic = decodeDiagnostic(out.diagnostic as Uint8Array | undefined, r);
  }
  return out as unknown as AcseApdu;
}

function decodeDiagnostic(raw: Uint8Array | undefined, r: ByteReader): Aare['diagnostic'] {
  if (!raw) r.fail('AARE without result-source-diagnostic', 0);
  const d: ByteReader = new ByteReader(raw, 'AARE.diagnostic');
  const choice = d.u8();
  if (choice !== 0xa1 && choice !== 0xa2) d.fail(`diagnostic choice 0x${choice.toString(16)}`, 0);
  const inner = new ByteReader(d.take(d.length()), 'AARE.diagnostic');
  d.end();
  const value = readBerInt(inner);
  return { source: choice === 0xa1 ? 'user' : 'provider', value };
}

function decodeField(kind: FieldKind, c: ByteReader, tag: number): unknown {
  switch (kind) {
    case 'context': {
      expectBytes(c, [0x06, 0x07, ...CONTEXT_OID]);
      return lastByte(c);
    }
    case 'mech':
      expectBytes(c, MECHANISM_OID);
      return lastByte(c);
    case 'title':
    case 'user':
      return innerTlv(c, 0x04);
    case 'auth':
      return innerTlv(c, 0x80);
    case 'acse-req':
      expectBytes(c, [0x07, 0x80]);
      c.end();
      return true;
    case 'int': {
      if (tag === 0x80) {
        const v = c.u8();
        c.end();
        return v;
      }
      return readBerInt(c);
    }
    default:
      return c.take(c.remaining);
  }
}

function lastByte(c: ByteReader): number {
  const v = c.u8();
  c.end();
  return v;
}

function innerTlv(c: ByteReader, tag: number): Uint8Array {
  expectBytes(c, [tag]);
  const v = c.take(c.length());
  c.end();
  return v;
}

function readBerInt(c: ByteReader): number {
  expectBytes(c, [0x02, 0x01]);
  return lastByte(c);
}

function expectBytes(c: ByteReader, expected: readonly number[]): void {
  for (const e of expected) {
    const at = c.offset;
    const got = c.u8();
    if (got !== e) c.fail(`byte 0x${got.toString(16)}, expected 0x${e.toString(16)}`, at);
  }
}
