/**
 * Typed errors of the DLMS/COSEM codec. Every decoder failure is a `DlmsDecodeError` carrying
 * the byte offset where decoding stopped and what was being decoded.
 *
 * Example: decoding `12 00` as A-XDR → DlmsDecodeError
 * "long-unsigned: need 2 bytes at offset 1, have 1" (offset 1).
 */
export class DlmsDecodeError extends Error {
  readonly offset: number;
  readonly what: string;
  constructor(what: string, offset: number, reason: string) {
    super(`${what}: ${reason} at offset ${offset}`);
    this.name = 'DlmsDecodeError';
    this.what = what;
    this.offset = offset;
  }
}

/** A value that cannot be encoded (out of range, wrong length). */
export class DlmsEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DlmsEncodeError';
  }
}

/** Authenticated decryption failed (wrong key, tampered bytes) or IC below the floor. */
export class DlmsSecurityError extends Error {
  readonly code: 'tag-mismatch' | 'invocation-counter' | 'unsupported' | 'bad-input';
  constructor(code: DlmsSecurityError['code'], message: string) {
    super(message);
    this.name = 'DlmsSecurityError';
    this.code = code;
  }
}
