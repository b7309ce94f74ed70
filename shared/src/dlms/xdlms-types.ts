import type { DlmsValue } from './axdr.js';

/**
 * xDLMS service APDU model (LN referencing). `invokeId` is the whole invoke-id-and-priority
 * byte (0xC1 = invoke 1, confirmed, high priority).
 */
export interface AttributeDescriptor {
  classId: number;
  obis: Uint8Array;
  attributeId: number;
}

export interface MethodDescriptor {
  classId: number;
  obis: Uint8Array;
  methodId: number;
}

/** Selective access: selector 1 = range_descriptor, 2 = entry_descriptor (profile generic). */
export interface SelectiveAccess {
  selector: number;
  parameters: DlmsValue;
}

export interface AttributeRequest {
  attribute: AttributeDescriptor;
  access?: SelectiveAccess;
}

/** Data or a data-access-result code (0 success .. 250 other-reason). */
export type DataResult = { data: DlmsValue } | { error: number };

/** Block of a long value in SET/ACTION (DataBlock-SA / -G with raw-data). */
export interface DataBlock {
  lastBlock: boolean;
  blockNumber: number;
  raw: Uint8Array;
}

export type GetBlockResult = { raw: Uint8Array } | { error: number };

export interface ActionResult {
  result: number;
  returnData?: DataResult;
}

export type XdlmsApdu =
  | { kind: 'get-request-normal'; invokeId: number; request: AttributeRequest }
  | { kind: 'get-request-next'; invokeId: number; blockNumber: number }
  | { kind: 'get-request-with-list'; invokeId: number; requests: AttributeRequest[] }
  | { kind: 'get-response-normal'; invokeId: number; result: DataResult }
  | {
      kind: 'get-response-with-datablock';
      invokeId: number;
      lastBlock: boolean;
      blockNumber: number;
      result: GetBlockResult;
    }
  | { kind: 'get-response-with-list'; invokeId: number; results: DataResult[] }
  | { kind: 'set-request-normal'; invokeId: number; request: AttributeRequest; value: DlmsValue }
  | {
      kind: 'set-request-with-first-datablock';
      invokeId: number;
      request: AttributeRequest;
      block: DataBlock;
    }
  | { kind: 'set-request-with-datablock'; invokeId: number; block: DataBlock }
  | {
      kind: 'set-request-with-list';
      invokeId: number;
      requests: AttributeRequest[];
      values: DlmsValue[];
    }
  | { kind: 'set-response-normal'; invokeId: number; result: number }
  | { kind: 'set-response-datablock'; invokeId: number; blockNumber: number }
  | { kind: 'set-response-last-datablock'; invokeId: number; result: number; blockNumber: number }
  | { kind: 'set-response-with-list'; invokeId: number; results: number[] }
  | {
      kind: 'action-request-normal';
      invokeId: number;
      method: MethodDescriptor;
      parameters?: DlmsValue;
    }
  | { kind: 'action-request-next-pblock'; invokeId: number; blockNumber: number }
  | {
      kind: 'action-request-with-list';
      invokeId: number;
      methods: MethodDescriptor[];
      parameters: DlmsValue[];
    }
  | {
      kind: 'action-request-with-first-pblock';
      invokeId: number;
      method: MethodDescriptor;
      block: DataBlock;
    }
  | { kind: 'action-request-with-pblock'; invokeId: number; block: DataBlock }
  | ({ kind: 'action-response-normal'; invokeId: number } & ActionResult)
  | { kind: 'action-response-with-pblock'; invokeId: number; block: DataBlock }
  | { kind: 'action-response-with-list'; invokeId: number; results: ActionResult[] }
  | { kind: 'action-response-next-pblock'; invokeId: number; blockNumber: number }
  | {
      kind: 'exception-response';
      stateError: number;
      serviceError: number;
      invocationCounter?: number;
    }
  | { kind: 'confirmed-service-error'; service: number; errorType: number; value: number }
  | {
      kind: 'data-notification';
      longInvokeId: number;
      dateTime?: Uint8Array;
      body: DlmsValue;
    }
  | CipheredApdu
  | GeneralCipheredApdu;

/** glo-* (0xC8..0xCF, 0x21, 0x28) and ded-* (0xD0..0xD7) service-specific ciphering. */
export interface CipheredApdu {
  kind: 'ciphered';
  tag: number;
  securityControl: number;
  invocationCounter: number;
  /** Ciphertext (+ tag) or plaintext + tag for authentication-only. */
  payload: Uint8Array;
}

/** general-glo-ciphering (0xDB) / general-ded-ciphering (0xDC). */
export interface GeneralCipheredApdu {
  kind: 'general-glo-ciphering' | 'general-ded-ciphering';
  systemTitle: Uint8Array;
  securityControl: number;
  invocationCounter: number;
  payload: Uint8Array;
}

/** Data-access-result names (Blue Book). */
export const DATA_ACCESS_RESULTS: Record<number, string> = {
  0: 'success',
  1: 'hardware-fault',
  2: 'temporary-failure',
  3: 'read-write-denied',
  4: 'object-undefined',
  9: 'object-class-inconsistent',
  11: 'object-unavailable',
  12: 'type-unmatched',
  13: 'scope-of-access-violated',
  14: 'data-block-unavailable',
  15: 'long-get-aborted',
  16: 'no-long-get-in-progress',
  17: 'long-set-aborted',
  18: 'no-long-set-in-progress',
  19: 'data-block-number-invalid',
  250: 'other-reason',
};

/** Action-result names (Blue Book). */
export const ACTION_RESULTS: Record<number, string> = {
  ...DATA_ACCESS_RESULTS,
  20: 'long-action-aborted',
  21: 'no-long-action-in-progress',
};

/** EXCEPTION-Response service-error names. */
export const EXCEPTION_SERVICE_ERRORS: Record<number, string> = {
  1: 'operation-not-possible',
  2: 'service-not-supported',
  3: 'other-reason',
  4: 'pdu-too-long',
  5: 'deciphering-error',
  6: 'invocation-counter-error',
};

export const EXCEPTION_STATE_ERRORS: Record<number, string> = {
  1: 'service-not-allowed',
  2: 'service-unknown',
};
