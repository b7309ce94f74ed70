import { readData, writeData } from './axdr.js';
import type { ByteReader, ByteWriter } from './byte-reader.js';
import type {
  ActionResult,
  AttributeDescriptor,
  AttributeRequest,
  DataBlock,
  DataResult,
  MethodDescriptor,
} from './xdlms-types.js';

/** Field codecs shared by the xDLMS APDU table (A-XDR encoding of the ASN.1 types). */
export function writeAttribute(w: ByteWriter, a: AttributeDescriptor): void {
  writeObisRef(w, a.classId, a.obis);
  w.u8(a.attributeId);
}

export function readAttribute(r: ByteReader): AttributeDescriptor {
  const classId = r.u16();
  return { classId, obis: readObis(r), attributeId: r.u8() };
}

export function writeMethod(w: ByteWriter, m: MethodDescriptor): void {
  writeObisRef(w, m.classId, m.obis);
  w.u8(m.methodId);
}

export function readMethod(r: ByteReader): MethodDescriptor {
  const classId = r.u16();
  return { classId, obis: readObis(r), methodId: r.u8() };
}

function writeObisRef(w: ByteWriter, classId: number, obis: Uint8Array): void {
  if (obis.length !== 6) throw new RangeError(`logical name must be 6 bytes, got ${obis.length}`);
  w.u16(classId).put(obis);
}

function readObis(r: ByteReader): Uint8Array {
  return r.take(6);
}

export function writeRequest(w: ByteWriter, q: AttributeRequest): void {
  writeAttribute(w, q.attribute);
  if (!q.access) {
    w.u8(0);
    return;
  }
  w.u8(1).u8(q.access.selector);
  writeData(w, q.access.parameters);
}

export function readRequest(r: ByteReader): AttributeRequest {
  const attribute = readAttribute(r);
  if (!readPresence(r)) return { attribute };
  const selector = r.u8();
  return { attribute, access: { selector, parameters: readData(r) } };
}

/** OPTIONAL / boolean presence byte: exactly 00 or 01. */
export function readPresence(r: ByteReader): boolean {
  const at = r.offset;
  const v = r.u8();
  if (v > 1) r.fail(`presence flag must be 0 or 1, got ${v}`, at);
  return v === 1;
}

export function writeDataResult(w: ByteWriter, res: DataResult): void {
  if ('data' in res) {
    w.u8(0);
    writeData(w, res.data);
  } else {
    w.u8(1).u8(res.error);
  }
}

export function readDataResult(r: ByteReader): DataResult {
  return readPresence(r) ? { error: r.u8() } : { data: readData(r) };
}

export function writeBlock(w: ByteWriter, b: DataBlock): void {
  w.u8(b.lastBlock ? 1 : 0).u32(b.blockNumber);
  w.length(b.raw.length).put(b.raw);
}

export function readBlock(r: ByteReader): DataBlock {
  const lastBlock = readPresence(r);
  const blockNumber = r.u32();
  return { lastBlock, blockNumber, raw: readRaw(r) };
}

export function readRaw(r: ByteReader): Uint8Array {
  const at = r.offset;
  const n = r.length();
  if (n > r.remaining) r.fail(`raw-data of ${n} bytes, only ${r.remaining} left`, at);
  return r.take(n);
}

export function writeActionResult(w: ByteWriter, a: ActionResult): void {
  w.u8(a.result);
  if (!a.returnData) {
    w.u8(0);
    return;
  }
  w.u8(1);
  writeDataResult(w, a.returnData);
}

export function readActionResult(r: ByteReader): ActionResult {
  const result = r.u8();
  if (!readPresence(r)) return { result };
  return { result, returnData: readDataResult(r) };
}

/** SEQUENCE OF: A-XDR length then items; count bounded by the remaining bytes. */
export function readList<T>(r: ByteReader, item: (r: ByteReader) => T): T[] {
  const at = r.offset;
  const n = r.length();
  if (n > r.remaining) r.fail(`${n} list items declared, ${r.remaining} bytes left`, at);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(item(r));
  return out;
}

export function writeList<T>(w: ByteWriter, items: readonly T[], item: (x: T) => void): void {
  w.length(items.length);
  for (const x of items) item(x);
}
