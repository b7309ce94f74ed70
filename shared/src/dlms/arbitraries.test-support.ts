import fc from 'fast-check';
import type { AcseApdu } from './acse.js';
import type { DlmsValue } from './axdr.js';
import type { CosemDateTime } from './date-time.js';
import type { HdlcAddress, HdlcFrame } from './hdlc-frame.js';
import type { XdlmsApdu } from './xdlms-types.js';

/** fast-check generators for every A-XDR type and APDU (property tests). */
const int = (min: number, max: number) => fc.integer({ min, max });
const bytes = (max = 40) => fc.uint8Array({ maxLength: max });
const byte = int(0, 255);

export const dateTimeArb: fc.Arbitrary<CosemDateTime> = fc.record({
  year: int(0, 0xffff),
  month: byte,
  day: byte,
  dayOfWeek: byte,
  hour: byte,
  minute: byte,
  second: byte,
  hundredths: byte,
  deviationMinutes: fc.option(int(-32767, 32767), { nil: null }),
  clockStatus: byte,
});

const scalar: fc.Arbitrary<DlmsValue> = fc.oneof(
  fc.constant({ type: 'null-data' as const }),
  fc.constant({ type: 'dont-care' as const }),
  fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
  fc
    .array(fc.constantFrom('0', '1'), { maxLength: 40 })
    .map((b) => ({ type: 'bit-string' as const, bits: b.join('') })),
  int(-128, 127).map((value) => ({ type: 'integer' as const, value })),
  int(-32768, 32767).map((value) => ({ type: 'long' as const, value })),
  byte.map((value) => ({ type: 'unsigned' as const, value })),
  int(0, 0xffff).map((value) => ({ type: 'long-unsigned' as const, value })),
  int(-(2 ** 31), 2 ** 31 - 1).map((value) => ({ type: 'double-long' as const, value })),
  int(0, 2 ** 32 - 1).map((value) => ({ type: 'double-long-unsigned' as const, value })),
  fc.bigInt(-(1n << 63n), (1n << 63n) - 1n).map((value) => ({ type: 'long64' as const, value })),
  fc.bigInt(0n, (1n << 64n) - 1n).map((value) => ({ type: 'long64-unsigned' as const, value })),
  byte.map((value) => ({ type: 'enum' as const, value })),
  byte.map((value) => ({ type: 'bcd' as const, value })),
  bytes(300).map((value) => ({ type: 'octet-string' as const, value })),
  fc
    .array(byte, { maxLength: 30 })
    .map((c) => ({ type: 'visible-string' as const, value: String.fromCharCode(...c) })),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => ({
    type: 'utf8-string' as const,
    value,
  })),
  fc.float({ noNaN: true }).map((value) => ({ type: 'float32' as const, value })),
  fc.double({ noNaN: true }).map((value) => ({ type: 'float64' as const, value })),
  dateTimeArb.map((value) => ({ type: 'date-time' as const, value })),
  dateTimeArb.map(({ year, month, day, dayOfWeek }) => ({
    type: 'date' as const,
    value: { year, month, day, dayOfWeek },
  })),
  dateTimeArb.map(({ hour, minute, second, hundredths }) => ({
    type: 'time' as const,
    value: { hour, minute, second, hundredths },
  })),
);

export const valueArb: fc.Arbitrary<DlmsValue> = fc.letrec<{ value: DlmsValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc
      .array(tie('value'), { maxLength: 5 })
      .map((items) => ({ type: 'structure' as const, items })),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => ({ type: 'array' as const, items })),
  ),
})).value;

const obis = fc.uint8Array({ minLength: 6, maxLength: 6 });
const u16 = int(0, 0xffff);
const u32 = int(0, 2 ** 32 - 1);
const attribute = fc.record({ classId: u16, obis, attributeId: byte });
const method = fc.record({ classId: u16, obis, methodId: byte });
const request = fc.record(
  { attribute, access: fc.record({ selector: byte, parameters: valueArb }) },
  { requiredKeys: ['attribute'] },
);
const dataResult = fc.oneof(
  valueArb.map((data) => ({ data })),
  byte.map((error) => ({ error })),
);
const block = fc.record({ lastBlock: fc.boolean(), blockNumber: u32, raw: bytes(200) });
const actionResult = fc.record(
  { result: byte, returnData: dataResult },
  { requiredKeys: ['result'] },
);

export const xdlmsArb: fc.Arbitrary<XdlmsApdu> = fc.oneof(
  fc.record({ kind: fc.constant('get-request-normal' as const), invokeId: byte, request }),
  fc.record({ kind: fc.constant('get-request-next' as const), invokeId: byte, blockNumber: u32 }),
  fc.record({
    kind: fc.constant('get-request-with-list' as const),
    invokeId: byte,
    requests: fc.array(request, { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('get-response-normal' as const),
    invokeId: byte,
    result: dataResult,
  }),
  fc.record({
    kind: fc.constant('get-response-with-datablock' as const),
    invokeId: byte,
    lastBlock: fc.boolean(),
    blockNumber: u32,
    result: fc.oneof(
      bytes(200).map((raw) => ({ raw })),
      byte.map((error) => ({ error })),
    ),
  }),
  fc.record({
    kind: fc.constant('get-response-with-list' as const),
    invokeId: byte,
    results: fc.array(dataResult, { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('set-request-normal' as const),
    invokeId: byte,
    request,
    value: valueArb,
  }),
  fc.record({
    kind: fc.constant('set-request-with-first-datablock' as const),
    invokeId: byte,
    request,
    block,
  }),
  fc.record({ kind: fc.constant('set-request-with-datablock' as const), invokeId: byte, block }),
  fc.record({ kind: fc.constant('set-response-normal' as const), invokeId: byte, result: byte }),
  fc.record({
    kind: fc.constant('set-request-with-list' as const),
    invokeId: byte,
    requests: fc.array(request, { maxLength: 3 }),
    values: fc.array(valueArb, { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('set-response-datablock' as const),
    invokeId: byte,
    blockNumber: u32,
  }),
  fc.record({
    kind: fc.constant('set-response-with-list' as const),
    invokeId: byte,
    results: fc.array(byte, { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('action-request-next-pblock' as const),
    invokeId: byte,
    blockNumber: u32,
  }),
  fc.record({
    kind: fc.constant('action-request-with-list' as const),
    invokeId: byte,
    methods: fc.array(method, { maxLength: 3 }),
    parameters: fc.array(valueArb, { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('action-request-with-pblock' as const), invokeId: byte, block }),
  fc.record({ kind: fc.constant('action-response-with-pblock' as const), invokeId: byte, block }),
  fc.record({
    kind: fc.constant('action-response-next-pblock' as const),
    invokeId: byte,
    blockNumber: u32,
  }),
  fc.record({
    kind: fc.constant('general-ded-ciphering' as const),
    systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    securityControl: byte,
    invocationCounter: u32,
    payload: bytes(100),
  }),
  fc.record({
    kind: fc.constant('set-response-last-datablock' as const),
    invokeId: byte,
    result: byte,
    blockNumber: u32,
  }),
  fc.record(
    {
      kind: fc.constant('action-request-normal' as const),
      invokeId: byte,
      method,
      parameters: valueArb,
    },
    { requiredKeys: ['kind', 'invokeId', 'method'] },
  ),
  fc.record({
    kind: fc.constant('action-request-with-first-pblock' as const),
    invokeId: byte,
    method,
    block,
  }),
  fc
    .record({ invokeId: byte, r: actionResult })
    .map(({ invokeId, r }) => ({ kind: 'action-response-normal' as const, invokeId, ...r })),
  fc.record({
    kind: fc.constant('action-response-with-list' as const),
    invokeId: byte,
    results: fc.array(actionResult, { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('exception-response' as const),
    stateError: byte,
    serviceError: byte.filter((b) => b !== 6),
  }),
  fc.record({
    kind: fc.constant('exception-response' as const),
    stateError: byte,
    serviceError: fc.constant(6),
    invocationCounter: u32,
  }),
  fc.record({
    kind: fc.constant('confirmed-service-error' as const),
    service: byte,
    errorType: byte,
    value: byte,
  }),
  fc.record(
    {
      kind: fc.constant('data-notification' as const),
      longInvokeId: u32,
      dateTime: fc.uint8Array({ minLength: 12, maxLength: 12 }),
      body: valueArb,
    },
    { requiredKeys: ['kind', 'longInvokeId', 'body'] },
  ),
  fc.record({
    kind: fc.constant('ciphered' as const),
    tag: fc.constantFrom(0x21, 0x28, 0xc8, 0xcc, 0xcf, 0xd0),
    securityControl: byte,
    invocationCounter: u32,
    payload: bytes(100),
  }),
  fc.record({
    kind: fc.constant('general-glo-ciphering' as const),
    systemTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    securityControl: byte,
    invocationCounter: u32,
    payload: bytes(100),
  }),
);

const opt = { requiredKeys: [] as never[] };
export const acseArb: fc.Arbitrary<AcseApdu> = fc.oneof(
  fc
    .record(
      {
        applicationContext: int(1, 4),
        callingApTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        senderAcseRequirements: fc.constant(true),
        mechanism: int(0, 7),
        callingAuthenticationValue: bytes(32),
        userInformation: bytes(60),
      },
      { requiredKeys: ['applicationContext'] },
    )
    .map((r) => ({ kind: 'aarq' as const, ...r })),
  fc
    .record(
      {
        applicationContext: int(1, 4),
        result: int(0, 2),
        diagnostic: fc.record({ source: fc.constantFrom('user', 'provider'), value: int(0, 14) }),
        respondingApTitle: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        responderAcseRequirements: fc.constant(true),
        mechanism: int(0, 7),
        respondingAuthenticationValue: bytes(32),
        userInformation: bytes(60),
      },
      { requiredKeys: ['applicationContext', 'result', 'diagnostic'] },
    )
    .map((r) => ({ kind: 'aare' as const, ...r }) as AcseApdu),
  fc
    .record({ reason: byte, userInformation: bytes(60) }, opt)
    .map((r) => ({ kind: 'rlrq' as const, ...r })),
  fc
    .record({ reason: byte, userInformation: bytes(60) }, opt)
    .map((r) => ({ kind: 'rlre' as const, ...r })),
);

const address: fc.Arbitrary<HdlcAddress> = fc.oneof(
  int(0, 0x7f).map((upper) => ({ upper, byteLength: 1 as const })),
  fc.tuple(int(0, 0x7f), int(0, 0x7f)).map(([upper, lower]) => ({
    upper,
    lower,
    byteLength: 2 as const,
  })),
  fc.tuple(int(0, 0x3fff), int(0, 0x3fff)).map(([upper, lower]) => ({
    upper,
    lower,
    byteLength: 4 as const,
  })),
);

export const hdlcFrameArb: fc.Arbitrary<HdlcFrame> = fc.record({
  segmented: fc.boolean(),
  destination: address,
  source: address,
  control: byte,
  information: bytes(300),
});
