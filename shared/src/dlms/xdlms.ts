import { readData, writeData } from './axdr.js';
import { ByteReader, ByteWriter } from './byte-reader.js';
import {
  readActionResult,
  readBlock,
  readDataResult,
  readList,
  readMethod,
  readPresence,
  readRaw,
  readRequest,
  writeActionResult,
  writeBlock,
  writeDataResult,
  writeList,
  writeMethod,
  writeRequest,
} from './xdlms-fields.js';
import type { XdlmsApdu } from './xdlms-types.js';

type Kind = XdlmsApdu['kind'];
type Of<K extends Kind> = Extract<XdlmsApdu, { kind: K }>;

interface Entry<K extends Kind> {
  tag: number;
  /** Sub-type byte after the tag (e.g. 01 normal), or -1 when the APDU has none. */
  sub: number;
  write(w: ByteWriter, m: Of<K>): void;
  read(r: ByteReader): Omit<Of<K>, 'kind'>;
}

type Table = { [K in Exclude<Kind, 'ciphered'>]: Entry<K> };

const inv = (r: ByteReader) => r.u8();

/**
 * The xDLMS APDU table: tag, sub-type and field layout of every service APDU.
 * Example: `C0 01 C1 0008 0000010000FF 02 00` ↔ get-request-normal of Clock attr 2.
 */
const TABLE: Table = {
  'get-request-normal': {
    tag: 0xc0,
    sub: 1,
    write: (w, m) => writeRequest(w.u8(m.invokeId), m.request),
    read: (r) => ({ invokeId: inv(r), request: readRequest(r) }),
  },
  'get-request-next': {
    tag: 0xc0,
    sub: 2,
    write: (w, m) => w.u8(m.invokeId).u32(m.blockNumber),
    read: (r) => ({ invokeId: inv(r), blockNumber: r.u32() }),
  },
  'get-request-with-list': {
    tag: 0xc0,
    sub: 3,
    write: (w, m) => writeList(w.u8(m.invokeId), m.requests, (q) => writeRequest(w, q)),
    read: (r) => ({ invokeId: inv(r), requests: readList(r, readRequest) }),
  },
  'get-response-normal': {
    tag: 0xc4,
    sub: 1,
    write: (w, m) => writeDataResult(w.u8(m.invokeId), m.result),
    read: (r) => ({ invokeId: inv(r), result: readDataResult(r) }),
  },
  'get-response-with-datablock': {
    tag: 0xc4,
    sub: 2,
    write: (w, m) => {
      w.u8(m.invokeId)
        .u8(m.lastBlock ? 1 : 0)
        .u32(m.blockNumber);
      if ('raw' in m.result) w.u8(0).length(m.result.raw.length).put(m.result.raw);
      else w.u8(1).u8(m.result.error);
    },
    read: (r) => {
      const invokeId = inv(r);
      const lastBlock = readPresence(r);
      const blockNumber = r.u32();
      const result = readPresence(r) ? { error: r.u8() } : { raw: readRaw(r) };
      return { invokeId, lastBlock, blockNumber, result };
    },
  },
  'get-response-with-list': {
    tag: 0xc4,
    sub: 3,
    write: (w, m) => writeList(w.u8(m.invokeId), m.results, (x) => writeDataResult(w, x)),
    read: (r) => ({ invokeId: inv(r), results: readList(r, readDataResult) }),
  },
  'set-request-normal': {
    tag: 0xc1,
    sub: 1,
    write: (w, m) => {
      writeRequest(w.u8(m.invokeId), m.request);
      writeData(w, m.value);
    },
    read: (r) => ({ invokeId: inv(r), request: readRequest(r), value: readData(r) }),
  },
  'set-request-with-first-datablock': {
    tag: 0xc1,
    sub: 2,
    write: (w, m) => {
      writeRequest(w.u8(m.invokeId), m.request);
      writeBlock(w, m.block);
    },
    read: (r) => ({ invokeId: inv(r), request: readRequest(r), block: readBlock(r) }),
  },
  'set-request-with-datablock': {
    tag: 0xc1,
    sub: 3,
    write: (w, m) => writeBlock(w.u8(m.invokeId), m.block),
    read: (r) => ({ invokeId: inv(r), block: readBlock(r) }),
  },
  'set-request-with-list': {
    tag: 0xc1,
    sub: 4,
    write: (w, m) => {
      writeList(w.u8(m.invokeId), m.requests, (q) => writeRequest(w, q));
      writeList(w, m.values, (v) => writeData(w, v));
    },
    read: (r) => ({
      invokeId: inv(r),
      requests: readList(r, readRequest),
      values: readList(r, (x) => readData(x)),
    }),
  },
  'set-response-normal': {
    tag: 0xc5,
    sub: 1,
    write: (w, m) => w.u8(m.invokeId).u8(m.result),
    read: (r) => ({ invokeId: inv(r), result: r.u8() }),
  },
  'set-response-datablock': {
    tag: 0xc5,
    sub: 2,
    write: (w, m) => w.u8(m.invokeId).u32(m.blockNumber),
    read: (r) => ({ invokeId: inv(r), blockNumber: r.u32() }),
  },
  'set-response-last-datablock': {
    tag: 0xc5,
    sub: 3,
    write: (w, m) => w.u8(m.invokeId).u8(m.result).u32(m.blockNumber),
    read: (r) => ({ invokeId: inv(r), result: r.u8(), blockNumber: r.u32() }),
  },
  'set-response-with-list': {
    tag: 0xc5,
    sub: 5,
    write: (w, m) => writeList(w.u8(m.invokeId), m.results, (x) => w.u8(x)),
    read: (r) => ({ invokeId: inv(r), results: readList(r, (x) => x.u8()) }),
  },
  'action-request-normal': {
    tag: 0xc3,
    sub: 1,
    write: (w, m) => {
      writeMethod(w.u8(m.invokeId), m.method);
      if (m.parameters === undefined) w.u8(0);
      else writeData(w.u8(1), m.parameters);
    },
    read: (r) => {
      const invokeId = inv(r);
      const method = readMethod(r);
      if (!readPresence(r)) return { invokeId, method };
      return { invokeId, method, parameters: readData(r) };
    },
  },
  'action-request-next-pblock': {
    tag: 0xc3,
    sub: 2,
    write: (w, m) => w.u8(m.invokeId).u32(m.blockNumber),
    read: (r) => ({ invokeId: inv(r), blockNumber: r.u32() }),
  },
  'action-request-with-list': {
    tag: 0xc3,
    sub: 3,
    write: (w, m) => {
      writeList(w.u8(m.invokeId), m.methods, (x) => writeMethod(w, x));
      writeList(w, m.parameters, (v) => writeData(w, v));
    },
    read: (r) => ({
      invokeId: inv(r),
      methods: readList(r, readMethod),
      parameters: readList(r, (x) => readData(x)),
    }),
  },
  'action-request-with-first-pblock': {
    tag: 0xc3,
    sub: 4,
    write: (w, m) => {
      writeMethod(w.u8(m.invokeId), m.method);
      writeBlock(w, m.block);
    },
    read: (r) => ({ invokeId: inv(r), method: readMethod(r), block: readBlock(r) }),
  },
  'action-request-with-pblock': {
    tag: 0xc3,
    sub: 6,
    write: (w, m) => writeBlock(w.u8(m.invokeId), m.block),
    read: (r) => ({ invokeId: inv(r), block: readBlock(r) }),
  },
  'action-response-normal': {
    tag: 0xc7,
    sub: 1,
    write: (w, m) => writeActionResult(w.u8(m.invokeId), m),
    read: (r) => ({ invokeId: inv(r), ...readActionResult(r) }),
  },
  'action-response-with-pblock': {
    tag: 0xc7,
    sub: 2,
    write: (w, m) => writeBlock(w.u8(m.invokeId), m.block),
    read: (r) => ({ invokeId: inv(r), block: readBlock(r) }),
  },
  'action-response-with-list': {
    tag: 0xc7,
    sub: 3,
    write: (w, m) => writeList(w.u8(m.invokeId), m.results, (x) => writeActionResult(w, x)),
    read: (r) => ({ invokeId: inv(r), results: readList(r, readActionResult) }),
  },
  'action-response-next-pblock': {
    tag: 0xc7,
    sub: 4,
    write: (w, m) => w.u8(m.invokeId).u32(m.blockNumber),
    read: (r) => ({ invokeId: inv(r), blockNumber: r.u32() }),
  },
  'exception-response': {
    tag: 0xd8,
    sub: -1,
    write: (w, m) => {
      w.u8(m.stateError).u8(m.serviceError);
      if (m.invocationCounter !== undefined) w.u32(m.invocationCounter);
    },
    read: (r) => {
      const stateError = r.u8();
      const serviceError = r.u8();
      if (serviceError !== 6) return { stateError, serviceError };
      return { stateError, serviceError, invocationCounter: r.u32() };
    },
  },
  'confirmed-service-error': {
    tag: 0x0e,
    sub: -1,
    write: (w, m) => w.u8(m.service).u8(m.errorType).u8(m.value),
    read: (r) => ({ service: r.u8(), errorType: r.u8(), value: r.u8() }),
  },
  'data-notification': {
    tag: 0x0f,
    sub: -1,
    write: (w, m) => {
      w.u32(m.longInvokeId);
      if (m.dateTime) w.length(m.dateTime.length).put(m.dateTime);
      else w.u8(0);
      writeData(w, m.body);
    },
    read: (r) => {
      const longInvokeId = r.u32();
      const n = r.length();
      const dateTime = n > 0 ? r.take(n) : undefined;
      const body = readData(r);
      return dateTime ? { longInvokeId, dateTime, body } : { longInvokeId, body };
    },
  },
  'general-glo-ciphering': generalCiphering(0xdb),
  'general-ded-ciphering': generalCiphering(0xdc),
};

type GeneralKind = 'general-glo-ciphering' | 'general-ded-ciphering';

function generalCiphering<K extends GeneralKind>(tag: number): Entry<K> {
  const entry: Entry<GeneralKind> = {
    tag,
    sub: -1,
    write: (w, m) => {
      w.length(m.systemTitle.length).put(m.systemTitle);
      w.length(5 + m.payload.length)
        .u8(m.securityControl)
        .u32(m.invocationCounter);
      w.put(m.payload);
    },
    read: (r) => {
      const systemTitle = r.take(r.length());
      const n = r.length();
      const at = r.offset;
      if (n < 5) r.fail(`ciphered content of ${n} bytes (< 5)`, at);
      if (n !== r.remaining) r.fail(`ciphered length ${n} but ${r.remaining} bytes follow`, at);
      const securityControl = r.u8();
      const invocationCounter = r.u32();
      return { systemTitle, securityControl, invocationCounter, payload: r.take(n - 5) };
    },
  };
  return entry as unknown as Entry<K>;
}

/** Every xDLMS APDU kind the codec knows (table rows plus service-specific ciphering). */
export const XDLMS_KINDS: readonly Kind[] = [...(Object.keys(TABLE) as Kind[]), 'ciphered'];

/** Tags of service-specific glo-/ded- ciphered APDUs. */
export const CIPHERED_TAGS = new Set([
  0x21, 0x28, 0xc8, 0xc9, 0xcb, 0xcc, 0xcd, 0xcf, 0xd0, 0xd1, 0xd3, 0xd4, 0xd5, 0xd7,
]);

/** glo-* tag for a plaintext tag. Example: 0xC0 (get-request) → 0xC8; 0x01 → 0x21. */
export function gloTagFor(plainTag: number): number {
  if (plainTag === 0x01) return 0x21;
  if (plainTag === 0x08) return 0x28;
  return plainTag + 8;
}

/** ded-* tag for a plaintext service tag. Example: 0xC0 (get-request) → 0xD0. */
export function dedTagFor(plainTag: number): number {
  return plainTag + 16;
}

/** True for ded-* service-specific ciphered tags (0xD0..0xD7). */
export function isDedicatedTag(tag: number): boolean {
  return tag >= 0xd0 && tag <= 0xd7;
}

const BY_TAG = new Map<number, [Kind, Entry<Kind>][]>();
for (const [kind, entry] of Object.entries(TABLE) as [Kind, Entry<Kind>][]) {
  const list = BY_TAG.get(entry.tag) ?? [];
  list.push([kind, entry]);
  BY_TAG.set(entry.tag, list);
}

export function isXdlmsTag(tag: number): boolean {
  return BY_TAG.has(tag) || CIPHERED_TAGS.has(tag);
}

export function encodeXdlms(apdu: XdlmsApdu): Uint8Array {
  const w = new ByteWriter();
  if (apdu.kind === 'ciphered') {
    w.u8(apdu.tag).length(5 + apdu.payload.length);
    return w.u8(apdu.securityControl).u32(apdu.invocationCounter).put(apdu.payload).bytes();
  }
  const entry = TABLE[apdu.kind] as Entry<typeof apdu.kind>;
  w.u8(entry.tag);
  if (entry.sub >= 0) w.u8(entry.sub);
  entry.write(w, apdu);
  return w.bytes();
}

/**
 * Decodes one xDLMS APDU; unknown tags, truncation and trailing bytes are `DlmsDecodeError`s
 * with the byte offset.
 */
export function decodeXdlms(bytes: Uint8Array): XdlmsApdu {
  const r: ByteReader = new ByteReader(bytes, 'xDLMS APDU');
  const tag = r.u8();
  if (CIPHERED_TAGS.has(tag)) return readCiphered(r, tag);
  const list = BY_TAG.get(tag);
  if (!list) r.fail(`unknown APDU tag 0x${tag.toString(16)}`, 0);
  let found = list[0]!;
  if (list[0]![1].sub >= 0) {
    const sub = r.u8();
    const match = list.find(([, e]) => e.sub === sub);
    if (!match) r.fail(`unknown sub-type ${sub} for tag 0x${tag.toString(16)}`, 1);
    found = match;
  }
  const body = found[1].read(r);
  r.end();
  return { kind: found[0], ...body } as XdlmsApdu;
}

function readCiphered(r: ByteReader, tag: number): XdlmsApdu {
  const n = r.length();
  const at = r.offset;
  if (n < 5) r.fail(`ciphered APDU of ${n} bytes (< 5)`, at);
  if (n !== r.remaining) r.fail(`ciphered length ${n} but ${r.remaining} bytes follow`, at);
  const securityControl = r.u8();
  const invocationCounter = r.u32();
  return { kind: 'ciphered', tag, securityControl, invocationCounter, payload: r.take(n - 5) };
}
