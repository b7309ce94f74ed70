import { describe, expect, it } from 'vitest';
import {
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyBase64url,
  ed25519PublicKeyFromRaw,
  signSyncRequest,
  verifySyncRequest,
} from './request-signing.js';

// RFC 8032 §7.1 test 1: secret key 9d61…7f60 → public key d75a…511a.
const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const PUBLIC = Buffer.from(
  'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  'hex',
);
const NOW = 1767225600000;

const privateKey = ed25519PrivateKeyFromSeed(SEED);
const publicKey = ed25519PublicKeyFromRaw(PUBLIC);
const request = { method: 'POST', pathAndQuery: '/sync/v1/gw/gw-1/events', body: '{"v":1}' };
const signer = { gatewayId: 'gw-1', keyId: 'k1', privateKey, timeMs: NOW };
const keys = (gw: string, kid: string) => (gw === 'gw-1' && kid === 'k1' ? publicKey : null);
const headerGetter = (h: Record<string, string>) => (name: string) => h[name];

describe('sync request signing', () => {
  it('derives the RFC 8032 public key from the seed', () => {
    expect(ed25519PublicKeyBase64url(privateKey)).toBe(PUBLIC.toString('base64url'));
  });

  it('verifies a signed request and names the gateway', () => {
    const headers = signSyncRequest(request, signer);
    expect(verifySyncRequest(request, headerGetter(headers), keys, NOW + 1000)).toEqual({
      ok: true,
      gatewayId: 'gw-1',
      keyId: 'k1',
    });
  });

  it('refuses a changed body, path or method', () => {
    const headers = headerGetter(signSyncRequest(request, signer));
    for (const changed of [
      { ...request, body: '{"v":2}' },
      { ...request, pathAndQuery: '/sync/v1/gw/gw-2/events' },
      { ...request, method: 'PUT' },
    ]) {
      expect(verifySyncRequest(changed, headers, keys, NOW)).toEqual({
        ok: false,
        reason: 'signature does not match',
      });
    }
  });

  it('refuses another gateway claiming the key, stale time and missing headers', () => {
    const headers = signSyncRequest(request, signer);
    const forged = { ...headers, 'x-gridbill-gateway': 'gw-2' };
    expect(verifySyncRequest(request, headerGetter(forged), keys, NOW)).toEqual({
      ok: false,
      reason: 'unknown key k1 for gateway gw-2',
    });
    expect(verifySyncRequest(request, headerGetter(headers), keys, NOW + 300_001)).toEqual({
      ok: false,
      reason: `request time ${NOW} is more than 300000 ms off`,
    });
    const { 'x-gridbill-signature': _, ...unsigned } = headers;
    expect(verifySyncRequest(request, headerGetter(unsigned), keys, NOW).ok).toBe(false);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => ed25519PrivateKeyFromSeed(new Uint8Array(31))).toThrow('must be 32 bytes, got 31');
  });
});
