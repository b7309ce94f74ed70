import { scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * scrypt hash in PHC-like text: `scrypt$N$r$p$saltB64$keyB64` (salt from the caller's random).
 *
 * @example await hashPassword('s3cret-pass', salt16)  // 'scrypt$16384$8$1$…$…'
 */
export async function hashPassword(password: string, salt: Uint8Array): Promise<string> {
  if (password.length < 10) throw new Error('password must be at least 10 characters');
  const key = await derive(password, Buffer.from(salt), N, R, P);
  return ['scrypt', N, R, P, Buffer.from(salt).toString('base64'), key.toString('base64')].join(
    '$',
  );
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, key] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !key) return false;
  const want = Buffer.from(key, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return got.length === want.length && timingSafeEqual(got, want);
}
