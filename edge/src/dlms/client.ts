import type { Clock } from '@gridbill/shared/clock';
import {
  type Apdu,
  type AttributeRequest,
  type DataResult,
  type DlmsValue,
  decodeApdu,
  decodeData,
  encodeData,
  encodeApdu,
  nextAssociationState,
  type AssociationState,
  parseObis,
  type SelectiveAccess,
  type ToUtcOptions,
  concatBytes,
} from '@gridbill/shared/dlms';
import { acceptAare, type AuthLevel, buildAarq, hlsPass3, hlsPass4 } from './association.js';
import { ClientCipher, type ClientKeys } from './client-security.js';
import { connectTransport, type TransportOptions } from './connect.js';
import { dataAccessError, DlmsProtocolError, exceptionMessage } from './errors.js';
import type { InvocationCounterAllocator } from './invocation-counter.js';
import { type CosemObjectRef, parseObjectList } from './object-list.js';
import {
  type CaptureObject,
  type ProfileRead,
  readProfile,
  readProfileEntries,
} from './profile.js';
import type { DlmsTransport } from './transport.js';

export interface DlmsClientOptions
  extends Omit<TransportOptions, 'clientAddress' | 'serverAddress'> {
  clientAddress?: number;
  serverAddress?: number;
  auth?: AuthLevel;
  password?: string;
  /** Required for 'high-gmac'. */
  keys?: ClientKeys;
  /** Required for 'high-gmac': reserve-ahead persisted counter. */
  invocationCounter?: InvocationCounterAllocator;
  clock: Clock;
  /** Challenge bytes for HLS (inject a seeded source in tests). */
  random: (byteCount: number) => Uint8Array;
  /** Max APDU we accept; default 0xFFFF. */
  maxPduSize?: number;
  /**
   * Lowest acceptable meter invocation counter (persisted from `lastServerInvocationCounter`
   * + 1 of an earlier session); older ciphered responses are rejected as replays.
   */
  serverInvocationCounterFloor?: number;
}

export interface DlmsClient {
  readonly negotiatedConformance: number;
  readonly serverMaxPduSize: number;
  /** Highest invocation counter accepted from the meter (ciphered associations), else -1. */
  readonly lastServerInvocationCounter: number;
  get(
    classId: number,
    obis: string,
    attributeId: number,
    access?: SelectiveAccess,
  ): Promise<DlmsValue>;
  set(classId: number, obis: string, attributeId: number, value: DlmsValue): Promise<void>;
  action(
    classId: number,
    obis: string,
    methodId: number,
    parameters?: DlmsValue,
  ): Promise<DlmsValue | undefined>;
  /** GET-with-list: one round trip, one DataResult (data or error code) per request. */
  getMany(requests: readonly AttributeRequest[]): Promise<DataResult[]>;
  /**
   * Profile generic rows with fromMs ≤ time ≤ toMs (selective access by range). Pass the
   * `columns` of an earlier read to skip re-reading capture_objects (one round trip less).
   */
  readProfile(
    obis: string,
    fromMs: number,
    toMs: number,
    time?: ToUtcOptions,
    columns?: CaptureObject[],
  ): Promise<ProfileRead>;
  /** Profile generic rows by entry number (1-based, toEntry 0 = last). */
  readProfileEntries(obis: string, fromEntry: number, toEntry: number): Promise<ProfileRead>;
  /** The current association's object list (class 15 attr 2). */
  objects(): Promise<CosemObjectRef[]>;
  /** Raw exchange of one already-built service APDU (ciphered if the association is). */
  request(apdu: Apdu): Promise<Apdu>;
  close(): Promise<void>;
}

/**
 * Opens a transport, associates at the requested level and returns the client.
 * Example: `await openDlmsClient({ transport: 'wrapper', host, port, auth: 'none', clock,
 * random })` then `get(8, '0.0.1.0.0.255', 2)` → { type: 'octet-string', value: <date-time> }.
 */
export async function openDlmsClient(options: DlmsClientOptions): Promise<DlmsClient> {
  const auth = options.auth ?? 'none';
  const clientAddress = options.clientAddress ?? 16;
  const transport = await connectTransport(
    { ...options, clientAddress, serverAddress: options.serverAddress ?? 1 },
    options.clock,
  );
  try {
    return await associate(transport, options, auth);
  } catch (err) {
    await transport.close().catch(() => undefined);
    throw err;
  }
}

async function associate(transport: DlmsTransport, options: DlmsClientOptions, auth: AuthLevel) {
  let cipher: ClientCipher | undefined;
  if (auth === 'high-gmac') {
    if (!options.keys || !options.invocationCounter) {
      throw new Error(
        "auth 'high-gmac' needs keys (system title, block cipher and auth keys) " +
          'and an invocation counter',
      );
    }
    cipher = new ClientCipher(options.keys, options.invocationCounter);
    // Responses at or below a persisted floor are replays (reliability.md §1.7, item 2).
    cipher.lastServerIc = (options.serverInvocationCounterFloor ?? 0) - 1;
  }
  const req = {
    auth,
    password: options.password,
    maxPduSize: options.maxPduSize ?? 0xffff,
    cipher,
    random: options.random,
  };
  let state: AssociationState = nextAssociationState('idle', 'aarq-sent');
  const aarq = await buildAarq(req);
  let associated: ReturnType<typeof acceptAare>;
  try {
    associated = acceptAare(await transport.exchange(aarq.bytes), req);
  } catch (err) {
    state = nextAssociationState(state, 'aare-rejected');
    throw err;
  }
  const session = new ClientSession(transport, cipher, associated.initiate);
  if (auth === 'high-gmac') {
    state = nextAssociationState(state, 'aare-accepted-hls-pending');
    const answer = await session.request(await hlsPass3(cipher!, associated.stoc!));
    hlsPass4(cipher!, answer, aarq.ctos!);
    state = nextAssociationState(state, 'hls-verified');
  } else {
    state = nextAssociationState(state, 'aare-accepted');
  }
  session.state = state;
  return session;
}

const target = (classId: number, obis: string, id: number) => `${classId}:${obis}:${id}`;

class ClientSession implements DlmsClient {
  state: AssociationState = 'associated';
  private invoke = 0;

  constructor(
    private readonly transport: DlmsTransport,
    private readonly cipher: ClientCipher | undefined,
    private readonly initiate: { conformance: number; maxPduSize: number },
  ) {}

  get negotiatedConformance() {
    return this.initiate.conformance;
  }

  get lastServerInvocationCounter() {
    return this.cipher?.lastServerIc ?? -1;
  }

  get serverMaxPduSize() {
    return this.initiate.maxPduSize;
  }

  private nextInvokeId(): number {
    this.invoke = (this.invoke + 1) & 0x0f;
    return 0xc0 | this.invoke;
  }

  async request(apdu: Apdu): Promise<Apdu> {
    const plain = encodeApdu(apdu);
    const wire = this.cipher ? await this.cipher.seal(plain) : plain;
    const raw = await this.transport.exchange(wire);
    const answer = this.cipher ? this.cipher.open(raw) : decodeApdu(raw);
    if (answer.kind === 'exception-response') {
      if (answer.serviceError === 6 && answer.invocationCounter !== undefined) {
        this.cipher?.counter.raiseTo(answer.invocationCounter);
      }
      throw new DlmsProtocolError(
        exceptionMessage(answer.serviceError, answer.invocationCounter),
        answer.invocationCounter,
      );
    }
    return answer;
  }

  async get(classId: number, obis: string, attributeId: number, access?: SelectiveAccess) {
    const name = target(classId, obis, attributeId);
    const request: AttributeRequest = {
      attribute: { classId, obis: parseObis(obis), attributeId },
      ...(access ? { access } : {}),
    };
    const invokeId = this.nextInvokeId();
    let answer = await this.request({ kind: 'get-request-normal', invokeId, request });
    if (answer.kind === 'get-response-normal') return unwrap(answer.result, 'get', name);
    const parts: Uint8Array[] = [];
    for (let expected = 1; ; expected++) {
      if (answer.kind !== 'get-response-with-datablock') {
        throw new DlmsProtocolError(`get ${name}: unexpected ${answer.kind}`);
      }
      if ('error' in answer.result) throw dataAccessError('get', name, answer.result.error);
      if (answer.blockNumber !== expected) {
        throw new DlmsProtocolError(
          `get ${name}: block ${answer.blockNumber}, expected ${expected}`,
        );
      }
      parts.push(answer.result.raw);
      if (answer.lastBlock) return decodeData(concatBytes(...parts), `get ${name} blocks`);
      answer = await this.request({
        kind: 'get-request-next',
        invokeId,
        blockNumber: answer.blockNumber,
      });
    }
  }

  readProfile(
    obis: string,
    fromMs: number,
    toMs: number,
    time?: ToUtcOptions,
    columns?: CaptureObject[],
  ) {
    return readProfile(this, obis, fromMs, toMs, time, columns);
  }

  readProfileEntries(obis: string, fromEntry: number, toEntry: number) {
    return readProfileEntries(this, obis, fromEntry, toEntry);
  }

  async objects() {
    return parseObjectList(await this.get(15, '0.0.40.0.0.255', 2));
  }

  async set(classId: number, obis: string, attributeId: number, value: DlmsValue) {
    const name = target(classId, obis, attributeId);
    const request: AttributeRequest = {
      attribute: { classId, obis: parseObis(obis), attributeId },
    };
    const invokeId = this.nextInvokeId();
    const normal: Apdu = { kind: 'set-request-normal', invokeId, request, value };
    if (encodeApdu(normal).length > this.initiate.maxPduSize) {
      return this.setInBlocks(name, invokeId, request, encodeData(value));
    }
    const answer = await this.request(normal);
    if (answer.kind !== 'set-response-normal') {
      throw new DlmsProtocolError(`set ${name}: unexpected ${answer.kind}`);
    }
    if (answer.result !== 0) throw dataAccessError('set', name, answer.result);
  }

  /** SET of a long value: first datablock with the descriptor, then datablocks, each acked. */
  private async setInBlocks(
    name: string,
    invokeId: number,
    request: AttributeRequest,
    raw: Uint8Array,
  ): Promise<void> {
    const size = Math.max(16, this.initiate.maxPduSize - 32);
    const count = Math.ceil(raw.length / size);
    for (let n = 1; n <= count; n++) {
      const block = {
        lastBlock: n === count,
        blockNumber: n,
        raw: raw.slice((n - 1) * size, n * size),
      };
      const answer = await this.request(
        n === 1
          ? { kind: 'set-request-with-first-datablock', invokeId, request, block }
          : { kind: 'set-request-with-datablock', invokeId, block },
      );
      if (answer.kind === 'set-response-last-datablock') {
        if (answer.result !== 0) throw dataAccessError('set', name, answer.result);
        if (n === count) return;
        throw new DlmsProtocolError(`set ${name}: meter ended the transfer at block ${n}`);
      }
      if (answer.kind !== 'set-response-datablock' || answer.blockNumber !== n) {
        throw new DlmsProtocolError(`set ${name}: unexpected answer to block ${n}`);
      }
    }
    throw new DlmsProtocolError(`set ${name}: no result after the last block`);
  }

  async getMany(requests: readonly AttributeRequest[]): Promise<DataResult[]> {
    const invokeId = this.nextInvokeId();
    const answer = await this.request({
      kind: 'get-request-with-list',
      invokeId,
      requests: [...requests],
    });
    if (answer.kind !== 'get-response-with-list' || answer.results.length !== requests.length) {
      throw new DlmsProtocolError(`get-with-list: unexpected ${answer.kind}`);
    }
    return answer.results;
  }

  async action(classId: number, obis: string, methodId: number, parameters?: DlmsValue) {
    const name = target(classId, obis, methodId);
    const method = { classId, obis: parseObis(obis), methodId };
    const invokeId = this.nextInvokeId();
    const normal: Apdu = {
      kind: 'action-request-normal',
      invokeId,
      method,
      ...(parameters ? { parameters } : {}),
    };
    const answer =
      parameters && encodeApdu(normal).length > this.initiate.maxPduSize
        ? await this.actionInBlocks(name, invokeId, method, encodeData(parameters))
        : await this.request(normal);
    if (answer.kind !== 'action-response-normal') {
      throw new DlmsProtocolError(`action ${name}: unexpected ${answer.kind}`);
    }
    if (answer.result !== 0) throw dataAccessError('action', name, answer.result);
    return answer.returnData ? unwrap(answer.returnData, 'action', name) : undefined;
  }

  /** ACTION with long parameters in pblocks; returns the final action response. */
  private async actionInBlocks(
    name: string,
    invokeId: number,
    method: { classId: number; obis: Uint8Array; methodId: number },
    raw: Uint8Array,
  ): Promise<Apdu> {
    const size = Math.max(16, this.initiate.maxPduSize - 32);
    const count = Math.ceil(raw.length / size);
    for (let n = 1; ; n++) {
      const chunk = raw.slice((n - 1) * size, n * size);
      const block = { lastBlock: n === count, blockNumber: n, raw: chunk };
      const answer = await this.request(
        n === 1
          ? { kind: 'action-request-with-first-pblock', invokeId, method, block }
          : { kind: 'action-request-with-pblock', invokeId, block },
      );
      if (n === count || answer.kind !== 'action-response-next-pblock') return answer;
      if (answer.blockNumber !== n) {
        throw new DlmsProtocolError(
          `action ${name}: meter acked block ${answer.blockNumber}, sent ${n}`,
        );
      }
    }
  }

  async close() {
    if (this.state === 'associated') {
      this.state = nextAssociationState(this.state, 'rlrq-sent');
      try {
        const raw = await this.transport.exchange(encodeApdu({ kind: 'rlrq', reason: 0 }));
        if (raw[0] === 0x63) this.state = nextAssociationState(this.state, 'rlre-received');
      } catch {
        this.state = nextAssociationState(this.state, 'timeout');
      }
    }
    await this.transport.close();
  }
}

function unwrap(result: DataResult, service: 'get' | 'set' | 'action', name: string): DlmsValue {
  if ('error' in result) throw dataAccessError(service, name, result.error);
  return result.data;
}
