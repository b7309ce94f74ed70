import { describe, expect, it } from 'vitest';
import {
  chainCredentialStores,
  createCredentialStore,
  hashPassword,
  verifyPassword,
} from './credentials.js';

const salt = new Uint8Array(16).fill(7);

describe('broker credentials', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('s3cret', salt);
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$BwcHBwcHBwcHBwcHBwcHBw\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword(hash, 's3cret')).toBe(true);
    expect(await verifyPassword(hash, 's3cret ')).toBe(false);
  });

  it('refuses a short salt and a malformed stored hash', async () => {
    await expect(hashPassword('x', new Uint8Array(8))).rejects.toThrow('salt must be ≥ 16 bytes');
    await expect(verifyPassword('md5$abc', 'x')).rejects.toThrow(
      'not in scrypt$N$r$p$salt$key form',
    );
  });

  it('knows only configured users', async () => {
    const store = createCredentialStore(new Map([['gw-a', await hashPassword('pa', salt)]]));
    expect(await store.check('gw-a', 'pa')).toBe(true);
    expect(await store.check('gw-b', 'pa')).toBe(false);
  });

  it('chains stores: the first that accepts wins, none means refused', async () => {
    const config = createCredentialStore(
      new Map([['central@gridbill', await hashPassword('c', salt)]]),
    );
    const records = { check: async (u: string, p: string) => u === 'gw-1' && p === 'gw_x' };
    const chain = chainCredentialStores(config, records);
    expect(await chain.check('central@gridbill', 'c')).toBe(true);
    expect(await chain.check('gw-1', 'gw_x')).toBe(true);
    expect(await chain.check('gw-1', 'c')).toBe(false);
  });
});
