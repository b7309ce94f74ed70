import {
  ACSE_USER_DIAGNOSTICS,
  ACTION_RESULTS,
  DATA_ACCESS_RESULTS,
  EXCEPTION_SERVICE_ERRORS,
} from '@gridbill/shared/dlms';

export { DlmsDecodeError, DlmsSecurityError } from '@gridbill/shared/dlms';

/**
 * Typed client errors. Each names what failed and why, so the probe CLI can print it.
 * Example: `new DlmsAssociationRejectedError(1, 'user', 13)` → message "association
 * rejected: result 1 (rejected-permanent), diagnostic acse-service-user 13
 * (authentication-failure)".
 */
export class DlmsTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`timeout: no ${what} within ${timeoutMs} ms`);
    this.name = 'DlmsTimeoutError';
  }
}

const RESULTS: Record<number, string> = {
  0: 'accepted',
  1: 'rejected-permanent',
  2: 'rejected-transient',
};

export class DlmsAssociationRejectedError extends Error {
  readonly diagnosticName: string;
  constructor(
    readonly result: number,
    readonly source: 'user' | 'provider',
    readonly diagnostic: number,
    detail?: string,
  ) {
    const name =
      source === 'user' ? (ACSE_USER_DIAGNOSTICS[diagnostic] ?? 'unknown') : 'service-provider';
    super(
      `association rejected: result ${result} (${RESULTS[result] ?? 'unknown'}), diagnostic ` +
        `acse-service-${source} ${diagnostic} (${name})${detail ? `: ${detail}` : ''}`,
    );
    this.name = 'DlmsAssociationRejectedError';
    this.diagnosticName = name;
  }
}

/** GET/SET/ACTION answered with a data-access-result / action-result other than success. */
export class DlmsDataAccessError extends Error {
  readonly resultName: string;
  constructor(
    readonly service: 'get' | 'set' | 'action',
    readonly target: string,
    readonly code: number,
  ) {
    const names = service === 'action' ? ACTION_RESULTS : DATA_ACCESS_RESULTS;
    const resultName = names[code] ?? 'unknown';
    super(`${service} ${target} failed: result ${code} (${resultName})`);
    this.name = 'DlmsDataAccessError';
    this.resultName = resultName;
  }
}

/** read-write-denied (3) or scope-of-access-violated (13): the association lacks the right. */
export class DlmsAccessDeniedError extends DlmsDataAccessError {
  constructor(service: 'get' | 'set' | 'action', target: string, code: number) {
    super(service, target, code);
    this.name = 'DlmsAccessDeniedError';
    this.message = `access denied: ${this.message}`;
  }
}

/** EXCEPTION-Response or an unexpected APDU from the meter. */
export class DlmsProtocolError extends Error {
  constructor(
    message: string,
    readonly expectedInvocationCounter?: number,
  ) {
    super(message);
    this.name = 'DlmsProtocolError';
  }
}

export function exceptionMessage(serviceError: number, ic?: number): string {
  const name = EXCEPTION_SERVICE_ERRORS[serviceError] ?? 'unknown';
  const expected = ic === undefined ? '' : `, expected invocation counter ${ic}`;
  return `meter answered EXCEPTION-Response ${serviceError} (${name})${expected}`;
}

export function dataAccessError(
  service: 'get' | 'set' | 'action',
  target: string,
  code: number,
): DlmsDataAccessError {
  return code === 3 || code === 13
    ? new DlmsAccessDeniedError(service, target, code)
    : new DlmsDataAccessError(service, target, code);
}
