import {
  type Apdu,
  type AttributeRequest,
  type DataBlock,
  type DataResult,
  type DlmsValue,
  decodeData,
  encodeData,
  encodeXdlms,
  type MethodDescriptor,
  type XdlmsApdu,
} from '@gridbill/shared/dlms';
import type { Role } from './access-rights.js';
import { type CosemObject, findObject } from './object-model.js';

/** Per-association state the GET/SET/ACTION handlers need. */
export interface ServiceContext {
  objects: readonly CosemObject[];
  role: Role;
  maxPduBytes: number;
  conformance: number;
  pendingGet: { invokeId: number; raw: Uint8Array; blockNumber: number; at: number } | undefined;
  pendingSet: { invokeId: number; request: AttributeRequest; parts: Uint8Array[] } | undefined;
  pendingAction?: { invokeId: number; method: MethodDescriptor; parts: Uint8Array[] } | undefined;
  replyToHls(reply: Uint8Array): Uint8Array | undefined;
}

const DENIED = 3;
const UNDEFINED = 4;
const OTHER = 250;
/** GET-Response-With-Datablock header: C4 02 invoke last block(4) choice length(≤3). */
const BLOCK_HEADER_BYTES = 12;

/**
 * GET / SET / ACTION service handling with access checks and GET block transfer.
 * Example: get-request-normal for 70:0.0.96.3.10.255:2 by the public client →
 * get-response-normal { error: 3 } (read-write-denied).
 */
export function handleService(ctx: ServiceContext, apdu: Apdu): XdlmsApdu | undefined {
  switch (apdu.kind) {
    case 'get-request-normal':
      return getNormal(ctx, apdu.invokeId, apdu.request);
    case 'get-request-next':
      return getNext(ctx, apdu.invokeId, apdu.blockNumber);
    case 'get-request-with-list':
      return {
        kind: 'get-response-with-list',
        invokeId: apdu.invokeId,
        results: apdu.requests.map((q) => read(ctx, q)),
      };
    case 'set-request-normal':
      return {
        kind: 'set-response-normal',
        invokeId: apdu.invokeId,
        result: write(ctx, apdu.request, apdu.value),
      };
    case 'set-request-with-list':
      return {
        kind: 'set-response-with-list',
        invokeId: apdu.invokeId,
        results: apdu.requests.map((q, i) => write(ctx, q, apdu.values[i])),
      };
    case 'set-request-with-first-datablock':
      ctx.pendingSet = { invokeId: apdu.invokeId, request: apdu.request, parts: [] };
      return setBlock(ctx, apdu.invokeId, apdu.block);
    case 'set-request-with-datablock':
      return setBlock(ctx, apdu.invokeId, apdu.block);
    case 'action-request-with-first-pblock':
      ctx.pendingAction = { invokeId: apdu.invokeId, method: apdu.method, parts: [] };
      return actionBlock(ctx, apdu.invokeId, apdu.block);
    case 'action-request-with-pblock':
      return actionBlock(ctx, apdu.invokeId, apdu.block);
    case 'action-request-normal':
      return action(ctx, apdu.invokeId, apdu.method, apdu.parameters);
    default:
      return { kind: 'exception-response', stateError: 2, serviceError: 2 };
  }
}

function lookup(ctx: ServiceContext, classId: number, obis: Uint8Array): CosemObject | undefined {
  return findObject(ctx.objects, classId, obis);
}

function read(ctx: ServiceContext, q: AttributeRequest): DataResult {
  const obj = lookup(ctx, q.attribute.classId, q.attribute.obis);
  if (!obj) return { error: UNDEFINED };
  if (!obj.access.read.includes(ctx.role)) return { error: DENIED };
  return obj.get(q.attribute.attributeId, q.access, ctx.role);
}

function write(
  ctx: ServiceContext,
  q: AttributeRequest,
  value: Parameters<NonNullable<CosemObject['set']>>[1] | undefined,
): number {
  const obj = lookup(ctx, q.attribute.classId, q.attribute.obis);
  if (!obj) return UNDEFINED;
  if (!obj.access.write.includes(ctx.role) || !obj.set || !value) return DENIED;
  return obj.set(q.attribute.attributeId, value);
}

function getNormal(ctx: ServiceContext, invokeId: number, q: AttributeRequest): XdlmsApdu {
  const result = read(ctx, q);
  const whole: XdlmsApdu = { kind: 'get-response-normal', invokeId, result };
  if (!('data' in result)) return whole;
  const bytes = encodeXdlms(whole);
  if (bytes.length <= ctx.maxPduBytes) return whole;
  ctx.pendingGet = { invokeId, raw: encodeData(result.data), blockNumber: 0, at: 0 };
  return nextBlock(ctx);
}

function getNext(ctx: ServiceContext, invokeId: number, blockNumber: number): XdlmsApdu {
  const pending = ctx.pendingGet;
  if (!pending) return blockError(invokeId, blockNumber, 16);
  if (blockNumber !== pending.blockNumber) {
    ctx.pendingGet = undefined;
    return blockError(invokeId, blockNumber, 19);
  }
  return nextBlock(ctx);
}

function blockError(invokeId: number, blockNumber: number, error: number): XdlmsApdu {
  return {
    kind: 'get-response-with-datablock',
    invokeId,
    lastBlock: true,
    blockNumber,
    result: { error },
  };
}

function nextBlock(ctx: ServiceContext): XdlmsApdu {
  const p = ctx.pendingGet!;
  const size = Math.max(16, ctx.maxPduBytes - BLOCK_HEADER_BYTES);
  const raw = p.raw.slice(p.at, p.at + size);
  p.at += raw.length;
  p.blockNumber += 1;
  const lastBlock = p.at >= p.raw.length;
  if (lastBlock) ctx.pendingGet = undefined;
  return {
    kind: 'get-response-with-datablock',
    invokeId: p.invokeId,
    lastBlock,
    blockNumber: p.blockNumber,
    result: { raw },
  };
}

function setBlock(ctx: ServiceContext, invokeId: number, block: DataBlock): XdlmsApdu {
  const pending = ctx.pendingSet;
  if (!pending || block.blockNumber !== pending.parts.length + 1) {
    ctx.pendingSet = undefined;
    return {
      kind: 'set-response-last-datablock',
      invokeId,
      result: 19,
      blockNumber: block.blockNumber,
    };
  }
  pending.parts.push(block.raw);
  if (!block.lastBlock)
    return { kind: 'set-response-datablock', invokeId, blockNumber: block.blockNumber };
  ctx.pendingSet = undefined;
  const total = Buffer.concat(pending.parts);
  let result: number;
  try {
    result = write(ctx, pending.request, decodeData(Uint8Array.from(total)));
  } catch {
    result = 12;
  }
  return { kind: 'set-response-last-datablock', invokeId, result, blockNumber: block.blockNumber };
}

function action(
  ctx: ServiceContext,
  invokeId: number,
  method: MethodDescriptor,
  parameters: Apdu extends never ? never : Parameters<NonNullable<CosemObject['action']>>[1],
): XdlmsApdu {
  const respond = (result: number, data?: DataResult): XdlmsApdu => ({
    kind: 'action-response-normal',
    invokeId,
    result,
    ...(data ? { returnData: data } : {}),
  });
  if (method.classId === 15 && method.methodId === 1) {
    if (parameters?.type !== 'octet-string') return respond(OTHER);
    const reply = ctx.replyToHls(parameters.value);
    return reply ? respond(0, { data: { type: 'octet-string', value: reply } }) : respond(OTHER);
  }
  const obj = lookup(ctx, method.classId, method.obis);
  if (!obj) return respond(UNDEFINED);
  if (!obj.access.action.includes(ctx.role) || !obj.action) return respond(DENIED);
  const out = obj.action(method.methodId, parameters);
  return typeof out === 'number' ? respond(out) : respond(0, out);
}

/** ACTION with long parameters: collect pblocks, ack each with next-pblock, run on the last. */
function actionBlock(ctx: ServiceContext, invokeId: number, block: DataBlock): XdlmsApdu {
  const pending = ctx.pendingAction;
  if (!pending || block.blockNumber !== pending.parts.length + 1) {
    ctx.pendingAction = undefined;
    return { kind: 'action-response-normal', invokeId, result: 19 };
  }
  pending.parts.push(block.raw);
  if (!block.lastBlock) {
    return { kind: 'action-response-next-pblock', invokeId, blockNumber: block.blockNumber };
  }
  ctx.pendingAction = undefined;
  let parameters: DlmsValue;
  try {
    parameters = decodeData(Uint8Array.from(Buffer.concat(pending.parts)));
  } catch {
    return { kind: 'action-response-normal', invokeId, result: 12 };
  }
  return action(ctx, invokeId, pending.method, parameters);
}
