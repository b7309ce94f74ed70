import { scrypt, timingSafeEqual } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keyBytes: 32 } as const;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, SCRYPT.keyBytes, { N: n, r, p }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hash of a broker password: 'scrypt$N$r$p$<salt b64url>$<key b64url>'. The salt (16 bytes)
 * comes from the caller's random source.
 * Example: hashPassword('s3cret', salt) → 'scrypt$16384$8$1$AAEC…$q9…'.
 */
export async function hashPassword(password: string, salt: Uint8Array): Promise<string> {
  if (salt.length < 16)
    throw new RangeError(`password salt must be ≥ 16 bytes, got ${salt.length}`);
  const saltBuffer = Buffer.from(salt);
  const key = await scryptAsync(password, saltBuffer, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  const b64 = (b: Buffer) => b.toString('base64url');
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${b64(saltBuffer)}$${b64(key)}`;
}

/** Constant-time check of `password` against a hashPassword() result. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    throw new Error('stored password hash is not in scrypt$N$r$p$salt$key form');
  }
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(
    password,
    Buffer.from(salt, 'base64url'),
    Number.parseInt(n, 10),
    Number.parseInt(r, 10),
    Number.parseInt(p, 10),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Username → password hash; central's own account included. */
export interface CredentialStore {
  check(username: string, password: string): Promise<boolean>;
}

/** In-memory store from configured hashes (per-gateway credentials from central's config). */
export function createCredentialStore(hashes: ReadonlyMap<string, string>): CredentialStore {
  return {
    async check(username, password) {
      const stored = hashes.get(username);
      if (stored === undefined) return false;
      return verifyPassword(stored, password);
    },
  };
}

/**
 * Tries each store in order; the first that knows and accepts the login wins. Used to accept
 * central's own account (config hash) and gateways by their central record secret, e.g.
 * `chainCredentialStores(configStore, { check: (id, s) => gatewayCredentialOk(ctx, id, s) })`,
 * so a gateway has one credential for HTTP sync and MQTT.
 */
export function chainCredentialStores(...stores: CredentialStore[]): CredentialStore {
  return {
    async check(username, password) {
      for (const store of stores) if (await store.check(username, password)) return true;
      return false;
    },
  };
}
