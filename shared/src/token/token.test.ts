import { sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeToken,
  signToken,
  type TopUpToken,
  tokenKeyPairFromSeed,
  tokenPublicKeyFromRaw,
  tokenPublicKeyRaw,
  verifyToken,
} from './index.js';

const key = tokenKeyPairFromSeed('k1', new Uint8Array(32).fill(7));
const other = tokenKeyPairFromSeed('k1', new Uint8Array(32).fill(8));
const token: TopUpToken = {
  tokenId: '0192f0c1-2d3e-8a4b-9c5d-6e7f80912a3b',
  keyId: 'k1',
  gatewayId: 'gw-001',
  accountId: 'ACC-1001',
  amountMinor: 50000n,
  currency: 'KES',
  issuedAtMs: 1764316800000,
  expiresAtMs: 1766908800000,
};
const VECTOR =
  'AQGS8MEtPopLnF1uf4CRKjsCazEGZ3ctMDAxCEFDQy0xMDAxAAAAAAAAw1BLRVMBmsl55AABm2P4rAAt5VsJNvo-gZE9' +
  'kTUx-8yhZjQCmJorIxAizmFWgEq20vOTUHqXBHKqlEdXi4Y5qoAqlYqXi5pEpm8HrE7IS7AN';
const opts = { publicKeyFor: () => key.publicKey, gatewayId: 'gw-001', nowMs: 1764316800000 };

describe('Ed25519 keys against RFC 8032 section 7.1 test 1', () => {
  const seed = Buffer.from(
    '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    'hex',
  );
  const pair = tokenKeyPairFromSeed('rfc', seed);
  it('derives the published public key', () => {
    expect(Buffer.from(tokenPublicKeyRaw(pair.publicKey)).toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
  });
  it('produces the published signature of the empty message', () => {
    expect(sign(null, Buffer.alloc(0), pair.privateKey).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155' +
        '5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });
});

describe('top-up token v1', () => {
  it('encodes the documented vector exactly', () => {
    expect(signToken(token, key.privateKey)).toBe(VECTOR);
    expect(Buffer.from(tokenPublicKeyRaw(key.publicKey)).toString('hex')).toBe(
      'ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c',
    );
  });
  it('verifies the vector and returns its fields', () => {
    expect(verifyToken(VECTOR, opts)).toEqual({ ok: true, token });
    const raw = tokenPublicKeyRaw(key.publicKey);
    const viaRaw = { ...opts, publicKeyFor: () => tokenPublicKeyFromRaw(raw) };
    expect(verifyToken(VECTOR, viaRaw).ok).toBe(true);
  });
  const cases: [string, string, Partial<typeof opts> & { accountId?: string }, string][] = [
    ['foreign gateway', VECTOR, { gatewayId: 'gw-002' }, 'wrong-gateway'],
    ['foreign account', VECTOR, { accountId: 'ACC-9' }, 'wrong-account'],
    ['expired', VECTOR, { nowMs: token.expiresAtMs }, 'expired'],
    ['issued in the future', VECTOR, { nowMs: token.issuedAtMs - 400_000 }, 'not-yet-valid'],
    ['unknown key', VECTOR, { publicKeyFor: () => undefined } as never, 'unknown-key'],
    ['other key', VECTOR, { publicKeyFor: () => other.publicKey } as never, 'bad-signature'],
    ['truncated', VECTOR.slice(0, 100), {}, 'malformed'],
    ['not base64url', `${VECTOR}=`, {}, 'malformed'],
    ['empty', '', {}, 'malformed'],
  ];
  it.each(cases)('rejects %s', (_name, text, extra, reason) => {
    const res = verifyToken(text, { ...opts, ...extra });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toBe(reason);
  });
  it('rejects any single-bit change of the token bytes', () => {
    const bytes = Buffer.from(VECTOR, 'base64url');
    fc.assert(
      fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
        const copy = Buffer.from(bytes);
        copy[bit >> 3]! ^= 1 << (bit & 7);
        return !verifyToken(copy.toString('base64url'), opts).ok;
      }),
      { numRuns: 300 },
    );
  });
  it('round-trips arbitrary valid tokens', () => {
    const arb = fc.record({
      tokenId: fc.uuid().map((u) => u.toLowerCase()),
      keyId: fc.string({ minLength: 1, maxLength: 8 }),
      gatewayId: fc.string({ minLength: 1, maxLength: 20 }),
      accountId: fc.string({ minLength: 1, maxLength: 20 }),
      amountMinor: fc.bigInt(1n, 2n ** 63n - 1n),
      currency: fc.constantFrom('KES', 'USD', 'JPY'),
      issuedAtMs: fc.integer({ min: 0, max: 2 ** 47 }),
      spanMs: fc.integer({ min: 1, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(arb, ({ spanMs, ...rest }) => {
        const t = { ...rest, expiresAtMs: rest.issuedAtMs + spanMs };
        expect(decodeToken(signToken(t, key.privateKey)).token).toEqual(t);
      }),
      { numRuns: 200 },
    );
  });
  it('refuses to encode invalid fields with the field name', () => {
    expect(() => signToken({ ...token, amountMinor: 0n }, key.privateKey)).toThrow(/amountMinor/);
    expect(() => signToken({ ...token, currency: 'kes' }, key.privateKey)).toThrow(/currency/);
    expect(() => signToken({ ...token, tokenId: 'x' }, key.privateKey)).toThrow(/tokenId/);
    expect(() => signToken({ ...token, gatewayId: '' }, key.privateKey)).toThrow(/gatewayId/);
    const late = { ...token, expiresAtMs: token.issuedAtMs };
    expect(() => signToken(late, key.privateKey)).toThrow(/expiresAtMs/);
  });
});
