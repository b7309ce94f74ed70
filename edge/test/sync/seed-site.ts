import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { ed25519PublicKeyBase64url } from '@gridbill/shared/sync';
import { tokenKeyPairFromSeed, tokenPublicKeyRaw } from '@gridbill/shared/token';
import type { CentralProcess } from './central-process.js';

// biome-ignore lint/suspicious/noExplicitAny: ids are read from API bodies
type Body = any;

const FLAT = resolve(
  import.meta.dirname,
  '../../../shared/tariffs/cn-zhejiang-residential-flat.json',
);

async function ok(p: Promise<{ status: number; body: Body }>, what: string): Promise<Body> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * gw-1 with its request key `k1` and `count` prepaid KES accounts, each with one installed
 * meter on gw-1 (no tariff yet). Returns the gateway's central secret (its MQTT password on
 * the embedded broker) and the ids.
 */
export async function seedSite(c: CentralProcess, key: KeyObject, count: number) {
  const gw = await ok(c.api('POST', '/api/gateways', { id: 'gw-1', name: 'Substation 1' }), 'gw');
  const publicKey = ed25519PublicKeyBase64url(key);
  await ok(c.api('POST', '/api/gateways/gw-1/sync-keys', { keyId: 'k1', publicKey }), 'key');
  const sites: { accountId: string; meterId: string; number: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const number = `A-${200 + i}`;
    const cust = await ok(c.api('POST', '/api/customers', { name: number, phone: '+2547' }), 'c');
    const premise = await ok(
      c.api('POST', '/api/premises', {
        customerId: cust.id,
        address: `${number} Kisumu Road`,
        timeZone: 'Africa/Nairobi',
      }),
      'premise',
    );
    const sp = await ok(c.api('POST', '/api/service-points', { premiseId: premise.id }), 'sp');
    const meter = await ok(
      c.api('POST', '/api/meters', { serial: `SN-${number}`, model: 'SDM120' }),
      'meter',
    );
    const install = { servicePointId: sp.id, atMs: 1_700_000_000_000, readWh: 0 };
    await ok(c.api('POST', `/api/meters/${meter.id}/install`, install), 'install');
    await ok(c.api('POST', '/api/gateways/gw-1/meters', { meterId: meter.id }), 'assign');
    const account = await ok(
      c.api('POST', '/api/accounts', {
        number,
        customerId: cust.id,
        premiseId: premise.id,
        currency: 'KES',
        mode: 'prepaid',
      }),
      'account',
    );
    sites.push({ accountId: account.id, meterId: meter.id, number });
  }
  return { secret: String(gw.secret), sites };
}

/** Imports KES copies of a published flat tariff (tariff id 't-flat-kes'), one per version. */
export async function importKesTariff(c: CentralProcess, versions: [string, string][]) {
  const doc = JSON.parse(readFileSync(FLAT, 'utf8'));
  for (const [versionId, effectiveFrom] of versions) {
    const document = { ...doc, tariffId: 't-flat-kes', versionId, effectiveFrom, currency: 'KES' };
    await ok(c.api('POST', '/api/tariffs/import', { document }), `tariff ${versionId}`);
  }
}

export async function assignTariff(c: CentralProcess, accountId: string) {
  const body = { tariffId: 't-flat-kes', reason: 'sync test' };
  await ok(c.api('POST', `/api/accounts/${accountId}/tariff`, body), 'assign tariff');
}

let paid = 0;
/** A counter payment; returns its ledger entry id. */
export async function pay(c: CentralProcess, accountNumber: string, amountMinor: number) {
  paid += 1;
  const body = {
    channel: 'counter',
    accountNumber,
    amountMinor: String(amountMinor),
    currency: 'KES',
    providerTxnId: `site-${paid}`,
  };
  const r = await ok(
    c.api('POST', '/api/payments', body, { 'idempotency-key': `site-pay-${paid}` }),
    'pay',
  );
  return String(r.entryId);
}

/** Central's token public key (hex) and key id, as a gateway config lists it. */
export function centralTokenKey(c: CentralProcess) {
  const hex = readFileSync(join(c.dataDir, 'token-signing.key'), 'utf8').trim();
  const raw = tokenPublicKeyRaw(tokenKeyPairFromSeed('x', Buffer.from(hex, 'hex')).publicKey);
  const kid = `k-${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`;
  return { kid, publicKey: Buffer.from(raw).toString('hex') };
}
