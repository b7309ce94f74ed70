import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ed25519PrivateKeyFromSeed,
  ed25519PublicKeyBase64url,
} from '../../shared/src/sync/index.js';
import { tokenKeyPairFromSeed, tokenPublicKeyRaw } from '../../shared/src/token/index.js';
import { runNode } from '../demo/child-process.js';
import type { TariffDoc } from '../demo/demo-tariffs.js';
import type { CentralClient } from '../demo/seed-central.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = {
  central: join(ROOT, 'central/bin/gridbill-central.js'),
  sim: join(ROOT, 'hardware-sim/bin/gridbill-sim.js'),
  edge: join(ROOT, 'edge/bin/gridbill-edge.js'),
};
export const PASSWORD = 'gridbill-e2e-pass';
export const GATEWAY_ID = 'gw-demo';
/** Fixed issuing seed so the gateway can be configured with central's token public key. */
const TOKEN_SEED = new Uint8Array(32).fill(7);
/** The gateway's request-signing seed; central gets the public half as key `k1`. */
const SYNC_SEED = new Uint8Array(32).fill(11);
export const SYNC_KEY_ID = 'k1';

export interface CentralSetup {
  centralDir: string;
  gatewaySecretFile: string;
  /** Token verification key for the gateway config (`tokens.publicKeys[0]`). */
  tokenKey: { kid: string; publicKey: string };
  /** The gateway's sync signing seed file (64 hex digits, mode 0600). */
  syncKeyFile: string;
}

/**
 * Prepares central's data directory with the CLI, as an operator would: the token issuing key
 * (written before first start), migrations and the first admin.
 */
export async function initCentralDir(dataDir: string): Promise<string> {
  const centralDir = join(dataDir, 'central');
  mkdirSync(centralDir, { recursive: true });
  const seedHex = Buffer.from(TOKEN_SEED).toString('hex');
  writeFileSync(join(centralDir, 'token-signing.key'), `${seedHex}\n`, { mode: 0o600 });
  const c = (...args: string[]) => [BIN.central, ...args, '--data-dir', centralDir];
  await runNode(c('migrate'));
  await runNode(c('user', 'add', 'admin', '--role', 'admin'), { GRIDBILL_PASSWORD: PASSWORD });
  return centralDir;
}

const why = { reason: 'e2e set-up' };

/**
 * Through the running central's API as admin: a cashier, the tariffs and the gateway record
 * (its secret goes to `gateway.secret`, mode 0600).
 */
export async function configureCentral(
  admin: CentralClient,
  dataDir: string,
  centralDir: string,
  tariffs: TariffDoc[],
): Promise<CentralSetup> {
  await admin.call('POST', '/api/users', {
    username: 'cashier',
    displayName: 'Counter 1',
    role: 'cashier',
    password: PASSWORD,
    ...why,
  });
  for (const document of tariffs) await admin.call('POST', '/api/tariffs/import', { document });
  const gw = await admin.call('POST', '/api/gateways', { id: GATEWAY_ID, name: 'E2E', ...why });
  const secret = String(gw.secret ?? '');
  if (!secret) throw new Error(`POST /api/gateways gave no secret: ${JSON.stringify(gw)}`);
  const gatewaySecretFile = join(dataDir, 'gateway.secret');
  writeFileSync(gatewaySecretFile, `${secret}\n`, { mode: 0o600 });
  const syncKeyFile = join(dataDir, 'gateway-sync.key');
  writeFileSync(syncKeyFile, Buffer.from(SYNC_SEED).toString('hex'), { mode: 0o600 });
  const publicKey = ed25519PublicKeyBase64url(ed25519PrivateKeyFromSeed(SYNC_SEED));
  await admin.call('POST', `/api/gateways/${GATEWAY_ID}/sync-keys`, {
    keyId: SYNC_KEY_ID,
    publicKey,
  });
  return { centralDir, gatewaySecretFile, tokenKey: tokenVerifyKey(), syncKeyFile };
}

/** Same derivation as central's `loadOrCreateTokenKey`: kid = `k-` + 8 hex of SHA-256(raw). */
function tokenVerifyKey() {
  const raw = tokenPublicKeyRaw(tokenKeyPairFromSeed('e2e', TOKEN_SEED).publicKey);
  const kid = `k-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  return { kid, publicKey: Buffer.from(raw).toString('hex') };
}
