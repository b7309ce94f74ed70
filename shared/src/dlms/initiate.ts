import { ByteReader, ByteWriter } from './byte-reader.js';

/**
 * xDLMS InitiateRequest (tag 01) / InitiateResponse (tag 08), A-XDR encoded, carried in the
 * ACSE user-information field (possibly ciphered as glo-initiate-request 0x21 / response 0x28).
 *
 * Example: `01 00 00 00 06 5F1F 04 00 007E1F 04B0` ↔ `{ dedicatedKey: undefined,
 * responseAllowed: undefined, proposedQos: undefined, dlmsVersion: 6, conformance: 0x007E1F,
 * maxPduSize: 1200 }`.
 */
export interface InitiateRequest {
  dedicatedKey: Uint8Array | undefined;
  /** undefined = default (TRUE) encoded as 00. */
  responseAllowed: boolean | undefined;
  proposedQos: number | undefined;
  dlmsVersion: number;
  conformance: number;
  maxPduSize: number;
}

export interface InitiateResponse {
  negotiatedQos: number | undefined;
  dlmsVersion: number;
  conformance: number;
  maxPduSize: number;
  vaaName: number;
}

export const INITIATE_REQUEST_TAG = 0x01;
export const INITIATE_RESPONSE_TAG = 0x08;

export function encodeInitiateRequest(m: InitiateRequest): Uint8Array {
  const w = new ByteWriter().u8(INITIATE_REQUEST_TAG);
  if (m.dedicatedKey) w.u8(1).length(m.dedicatedKey.length).put(m.dedicatedKey);
  else w.u8(0);
  if (m.responseAllowed === undefined) w.u8(0);
  else w.u8(1).u8(m.responseAllowed ? 1 : 0);
  optionalU8(w, m.proposedQos);
  w.u8(m.dlmsVersion);
  writeConformance(w, m.conformance);
  return w.u16(m.maxPduSize).bytes();
}

export function decodeInitiateRequest(bytes: Uint8Array): InitiateRequest {
  const r = new ByteReader(bytes, 'InitiateRequest');
  expectTag(r, INITIATE_REQUEST_TAG);
  const dedicatedKey = r.u8() ? r.take(r.length()) : undefined;
  const responseAllowed = r.u8() ? r.u8() !== 0 : undefined;
  const proposedQos = r.u8() ? r.u8() : undefined;
  const dlmsVersion = r.u8();
  const conformance = readConformance(r);
  const maxPduSize = r.u16();
  r.end();
  return { dedicatedKey, responseAllowed, proposedQos, dlmsVersion, conformance, maxPduSize };
}

export function encodeInitiateResponse(m: InitiateResponse): Uint8Array {
  const w = new ByteWriter().u8(INITIATE_RESPONSE_TAG);
  optionalU8(w, m.negotiatedQos);
  w.u8(m.dlmsVersion);
  writeConformance(w, m.conformance);
  return w.u16(m.maxPduSize).u16(m.vaaName).bytes();
}

export function decodeInitiateResponse(bytes: Uint8Array): InitiateResponse {
  const r = new ByteReader(bytes, 'InitiateResponse');
  expectTag(r, INITIATE_RESPONSE_TAG);
  const negotiatedQos = r.u8() ? r.u8() : undefined;
  const dlmsVersion = r.u8();
  const conformance = readConformance(r);
  const maxPduSize = r.u16();
  const vaaName = r.u16();
  r.end();
  return { negotiatedQos, dlmsVersion, conformance, maxPduSize, vaaName };
}

function optionalU8(w: ByteWriter, v: number | undefined): void {
  if (v === undefined) w.u8(0);
  else w.u8(1).u8(v);
}

function expectTag(r: ByteReader, tag: number): void {
  const at = r.offset;
  const got = r.u8();
  if (got !== tag) r.fail(`tag 0x${got.toString(16)}, expected 0x${tag.toString(16)}`, at);
}

/** Conformance: [APPLICATION 31] IMPLICIT BIT STRING (SIZE(24)) → 5F 1F 04 00 xx xx xx. */
function writeConformance(w: ByteWriter, value: number): void {
  w.put([0x5f, 0x1f, 0x04, 0x00])
    .u8(value >> 16)
    .u16(value & 0xffff);
}

function readConformance(r: ByteReader): number {
  const at = r.offset;
  const head = [r.u8(), r.u8(), r.u8(), r.u8()];
  if (head[0] !== 0x5f || head[1] !== 0x1f || head[2] !== 0x04 || head[3] !== 0x00) {
    r.fail('conformance block must start 5F 1F 04 00', at);
  }
  return (r.u8() << 16) | r.u16();
}
