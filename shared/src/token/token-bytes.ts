import { TOKEN_VERSION, TokenFormatError, type TopUpToken } from './token-format.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const MAX_MS = 2 ** 48 - 1;
const MAX_AMOUNT = 2n ** 63n - 1n;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function uuidToBytes(uuid: string): Uint8Array {
  if (!UUID_RE.test(uuid)) throw new TokenFormatError('tokenId', `not a lower-case UUID: ${uuid}`);
  return Uint8Array.from(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
}

function bytesToUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  const parts = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return `${parts.join('-')}-${hex.slice(20)}`;
}

function shortText(field: string, value: string, maxBytes: number): Uint8Array {
  const bytes = utf8.encode(value);
  if (bytes.length < 1 || bytes.length > maxBytes) {
    throw new TokenFormatError(field, `must be 1..${maxBytes} bytes of UTF-8, got ${bytes.length}`);
  }
  return Uint8Array.of(bytes.length, ...bytes);
}

function checkFields(t: TopUpToken): void {
  if (typeof t.amountMinor !== 'bigint' || t.amountMinor < 1n || t.amountMinor > MAX_AMOUNT) {
    throw new TokenFormatError(
      'amountMinor',
      `must be a bigint in 1..2^63-1, got ${t.amountMinor}`,
    );
  }
  if (!CURRENCY_RE.test(t.currency)) {
    throw new TokenFormatError('currency', `must be 3 upper-case letters, got ${t.currency}`);
  }
  for (const field of ['issuedAtMs', 'expiresAtMs'] as const) {
    const v = t[field];
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_MS) {
      throw new TokenFormatError(field, `must be an integer in 0..2^48-1, got ${v}`);
    }
  }
  if (t.expiresAtMs <= t.issuedAtMs) {
    throw new TokenFormatError('expiresAtMs', 'must be later than issuedAtMs');
  }
}

/**
 * Encodes the signed part of a token (big-endian):
 * `version u8 | tokenId 16 | keyId len-u8+utf8 | gatewayId len-u8+utf8 | accountId len-u8+utf8 |
 *  amountMinor u64 | currency 3 ASCII | issuedAtMs u48 | expiresAtMs u48`.
 */
export function encodePayload(t: TopUpToken): Uint8Array {
  checkFields(t);
  const parts = [
    Uint8Array.of(TOKEN_VERSION),
    uuidToBytes(t.tokenId),
    shortText('keyId', t.keyId, 32),
    shortText('gatewayId', t.gatewayId, 64),
    shortText('accountId', t.accountId, 64),
  ];
  const tail = Buffer.alloc(8 + 3 + 6 + 6);
  tail.writeBigUInt64BE(t.amountMinor, 0);
  tail.write(t.currency, 8, 'ascii');
  tail.writeUIntBE(t.issuedAtMs, 11, 6);
  tail.writeUIntBE(t.expiresAtMs, 17, 6);
  return Uint8Array.from(Buffer.concat([...parts, tail]));
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  take(field: string, n: number): Buffer {
    if (this.at + n > this.buf.length) throw new TokenFormatError(field, 'token is truncated');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  text(field: string): string {
    const len = this.take(field, 1)[0]!;
    if (len === 0) throw new TokenFormatError(field, 'is empty');
    try {
      return utf8Strict.decode(this.take(field, len));
    } catch (err) {
      if (err instanceof TokenFormatError) throw err;
      throw new TokenFormatError(field, 'is not valid UTF-8');
    }
  }
  get offset(): number {
    return this.at;
  }
}

/** Decodes a payload made by `encodePayload`; returns the token and the payload length. */
export function decodePayload(bytes: Uint8Array): { token: TopUpToken; length: number } {
  const r = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const version = r.take('version', 1)[0];
  if (version !== TOKEN_VERSION) {
    throw new TokenFormatError('version', `unsupported version ${version}`);
  }
  const tokenId = bytesToUuid(r.take('tokenId', 16));
  const keyId = r.text('keyId');
  const gatewayId = r.text('gatewayId');
  const accountId = r.text('accountId');
  const tail = r.take('amountMinor', 23);
  const currency = tail.toString('latin1', 8, 11);
  const token: TopUpToken = {
    tokenId,
    keyId,
    gatewayId,
    accountId,
    amountMinor: tail.readBigUInt64BE(0),
    currency,
    issuedAtMs: tail.readUIntBE(11, 6),
    expiresAtMs: tail.readUIntBE(17, 6),
  };
  checkFields(token);
  return { token, length: r.offset };
}
