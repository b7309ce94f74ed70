import { createHash, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentId } from '@gridbill/shared/ids';
import { type DownstreamChange, TARIFF_SIGNING_CONTEXT } from '@gridbill/shared/sync';
import {
  signToken,
  type TokenKeyPair,
  tokenKeyPairFromSeed,
  tokenPublicKeyRaw,
} from '@gridbill/shared/token';
import { afterEach, describe, expect, it } from 'vitest';
import {
  engineFixture,
  type EngineFixture,
  snapshot,
  T0,
} from '../../test/support/engine-fixture.js';
import { ingestReadings } from '../engine/ingest.js';
import { redeemToken } from '../engine/redeem-token.js';
import { applyChange } from './apply-change.js';
import { ensureInboxTables, readCheckpoint } from './inbox.js';
import { restoreSyncedAccounts } from './synced-accounts.js';

const FLAT = join(import.meta.dirname, '../../../shared/tariffs/cn-zhejiang-residential-flat.json');
const keyA = tokenKeyPairFromSeed('k-a', new Uint8Array(32).fill(3));
const keyB = tokenKeyPairFromSeed('k-b', new Uint8Array(32).fill(4));
const raw64 = (k: TokenKeyPair) =>
  Buffer.from(tokenPublicKeyRaw(k.publicKey)).toString('base64url');

let cseq = 0;
const change = (kind: DownstreamChange['kind'], body: unknown) => {
  cseq += 1;
  return { cseq, changeId: contentId('t', kind, cseq), kind, body } as DownstreamChange;
};
const rotation = (
  purpose: 'token-verify' | 'tariff-verify',
  k: TokenKeyPair,
  replaces: string | null,
  retireAtMs: number | null,
) =>
  change('key-rotation', {
    keyId: k.keyId,
    purpose,
    algorithm: 'ed25519',
    publicKeyBase64url: raw64(k),
    validFromMs: 0,
    replacesKeyId: replaces,
    retireAtMs,
  });

/** A tariff-version change as central derives it: hash and signature over the JSON text. */
function tariffChange(versionId: string, by: TokenKeyPair, tamper = false) {
  const doc = {
    ...JSON.parse(readFileSync(FLAT, 'utf8')),
    tariffId: 'flat',
    versionId,
    currency: 'KES',
    timeZone: 'Africa/Nairobi',
  };
  const text = JSON.stringify(doc);
  const context = Buffer.from(TARIFF_SIGNING_CONTEXT, 'latin1');
  const signature = sign(null, Buffer.concat([context, Buffer.from(text)]), by.privateKey);
  const document = tamper ? { ...doc, name: 'changed after signing' } : doc;
  return change('tariff-version', {
    tariffVersionId: versionId,
    tariffId: 'flat',
    effectiveFromMs: 0,
    timeZone: 'Africa/Nairobi',
    currency: 'KES',
    documentHash: createHash('sha256')
      .update(tamper ? JSON.stringify(document) : text)
      .digest('hex'),
    signature: { keyId: by.keyId, ed25519Base64url: signature.toString('base64url') },
    document,
  });
}

describe('applying tariff versions, accounts and key rotations', () => {
  let fx: EngineFixture;
  afterEach(() => fx?.close());
  const setup = () => {
    fx = engineFixture();
    ensureInboxTables(fx.engine.deps.db);
    return fx.engine;
  };
  const apply = (c: DownstreamChange, hooks = {}) =>
    applyChange(fx.engine, c, { feedEpoch: 'e1', cseq: c.cseq }, hooks);
  const alarms = () =>
    fx.engine.deps.db
      .prepare("SELECT body FROM outbox WHERE kind = 'alarm'")
      .pluck()
      .all()
      .map((b) => JSON.parse(b as string).code);

  it('installs a signed tariff version once and refuses forged ones with an alarm', () => {
    const engine = setup();
    let reloads = 0;
    const hooks = { tariffsChanged: () => (reloads += 1) };
    expect(apply(tariffChange('flat-2026', keyA), hooks)).toBe('rejected'); // key unknown yet
    expect(apply(rotation('tariff-verify', keyA, null, null))).toBe('applied');
    expect(apply(tariffChange('flat-2026', keyA), hooks)).toBe('applied');
    expect(reloads).toBe(1);
    const stored = engine.deps.db.prepare('SELECT id FROM tariff_versions').pluck().all();
    expect(stored).toEqual(['flat-2026']);
    expect(apply(tariffChange('flat-2026', keyA), hooks)).toBe('ignored'); // same again
    const forged = tariffChange('flat-2027', keyA, true);
    expect(apply(forged, hooks)).toBe('rejected');
    expect(apply(tariffChange('flat-2028', keyB), hooks)).toBe('rejected'); // untrusted key
    expect(reloads).toBe(1);
    // the feed does not stall: the checkpoint moved past the refused versions
    expect(readCheckpoint(engine.deps.db)).toEqual({ feedEpoch: 'e1', cseq });
    expect(alarms()).toEqual([
      'tariff-version-rejected',
      'tariff-version-rejected',
      'tariff-version-rejected',
    ]);
    expect(engine.deps.db.prepare('SELECT count(*) FROM tariff_versions').pluck().get()).toBe(1);
  });

  it('creates and updates accounts by version; another currency is refused', () => {
    const engine = setup();
    const body = { accountId: 'A-NEW', currency: 'KES', mode: 'prepaid', status: 'active' };
    expect(apply(change('account-assignment', { ...body, tariffId: 'flat', version: 1 }))).toBe(
      'applied',
    );
    expect(engine.accounts.get('A-NEW')).toMatchObject({ tariffId: 'flat', mode: 'prepaid' });
    const pending = engine.deps.db.prepare(
      "SELECT value FROM meta WHERE key = 'sync_seed_pending'",
    );
    expect(pending.pluck().get()).toBe('["A-NEW"]');
    expect(apply(change('account-assignment', { ...body, tariffId: 'tou', version: 2 }))).toBe(
      'applied',
    );
    expect(apply(change('account-assignment', { ...body, tariffId: 'old', version: 1 }))).toBe(
      'ignored',
    );
    expect(engine.accounts.get('A-NEW')?.tariffId).toBe('tou');
    // an existing (configured) account keeps its opening balance, takes central's tariff
    const cfg = { ...body, accountId: 'ACC-1001', mode: 'postpaid', tariffId: 'tou', version: 1 };
    expect(apply(change('account-assignment', cfg))).toBe('applied');
    expect(engine.accounts.get('ACC-1001')).toMatchObject({
      mode: 'postpaid',
      openingBalanceMinor: 1000n,
    });
    const usd = { ...body, accountId: 'A-USD', currency: 'USD', tariffId: 'flat', version: 1 };
    expect(apply(change('account-assignment', usd))).toBe('rejected');
    expect(engine.accounts.has('A-USD')).toBe(false);
  });

  it('a meter moved to another known account is charged to it from then on', () => {
    const engine = setup();
    const acc = { accountId: 'A-NEW', currency: 'KES', mode: 'prepaid', status: 'active' };
    const move = (accountId: string | null, version: number) =>
      apply(change('meter-assignment', { meterId: 'm1', accountId, validFromMs: 0, version }));
    expect(move('A-UNKNOWN', 2)).toBe('applied'); // stored; not an account of this gateway
    expect(engine.meters.get('m1')?.config.accountId).toBe('ACC-1001');
    apply(change('account-assignment', { ...acc, tariffId: 'flat', version: 1 }));
    expect(move('A-NEW', 3)).toBe('applied');
    expect(engine.meters.get('m1')?.config.accountId).toBe('A-NEW');
    expect(engine.metersOfAccount('A-NEW').map((m) => m.config.id)).toEqual(['m1']);
    expect(engine.metersOfAccount('ACC-1001')).toEqual([]);
    expect(move('ACC-1001', 1)).toBe('ignored'); // an older version changes nothing
    ingestReadings(engine, [snapshot('m1', T0, 10_000)]);
    ingestReadings(engine, [snapshot('m1', T0 + 900_000, 10_500)]);
    expect(engine.balanceOf('A-NEW')).toBe(-1_000n); // 500 Wh at 2,000 per kWh
    expect(engine.balanceOf('ACC-1001')).toBe(1_000n);
    // a restart restores the binding from the stored assignments
    const again = fx.reopen();
    expect(again.meters.get('m1')?.config.accountId).toBe('ACC-1001'); // config only
    restoreSyncedAccounts(again);
    expect(again.meters.get('m1')?.config.accountId).toBe('A-NEW');
    expect(move(null, 4)).toBe('applied'); // off every account: keeps its binding
    expect(fx.engine.meters.get('m1')?.config.accountId).toBe('A-NEW');
  });

  it('a re-rating adjustment arrives as a signed credit: a debit lowers the balance once', () => {
    const engine = setup();
    const before = engine.balanceOf('ACC-1001');
    const credit = (entryId: string, amountMinor: bigint) =>
      change('credit', {
        entryId,
        accountId: 'ACC-1001',
        amountMinor,
        currency: 'KES',
        source: 'adjustment',
        reference: 're-rating 2026-11-27',
        postedAtMs: 0,
      });
    const debit = credit('0193a2c4-5e6f-7a80-9b1c-2d3e4f500001', -37n);
    expect(apply(debit)).toBe('applied');
    expect(engine.balanceOf('ACC-1001')).toBe(before - 37n);
    expect(apply({ ...debit, cseq: debit.cseq + 100, changeId: contentId('t', 'dup') })).toBe(
      'already-credited',
    );
    expect(apply(credit('0193a2c4-5e6f-7a80-9b1c-2d3e4f500002', 12n))).toBe('applied');
    expect(engine.balanceOf('ACC-1001')).toBe(before - 25n);
  });

  it('token keys rotate: the replaced key works until it retires', () => {
    const engine = setup();
    const now = engine.deps.clock.wallMs();
    const token = (k: TokenKeyPair, n: number) =>
      signToken(
        {
          tokenId: contentId('tok', n),
          keyId: k.keyId,
          gatewayId: 'gw-001',
          accountId: 'ACC-1001',
          amountMinor: 100n,
          currency: 'KES',
          issuedAtMs: now - 1000,
          expiresAtMs: now + 86_400_000,
        },
        k.privateKey,
      );
    expect(redeemToken(engine, token(keyA, 1))).toMatchObject({ ok: false });
    apply(rotation('token-verify', keyA, null, null));
    expect(redeemToken(engine, token(keyA, 2))).toMatchObject({ ok: true });
    apply(rotation('token-verify', keyB, keyA.keyId, now + 60_000));
    expect(redeemToken(engine, token(keyB, 3))).toMatchObject({ ok: true });
    expect(redeemToken(engine, token(keyA, 4))).toMatchObject({ ok: true }); // until retire
    fx.clock.advance(60_000);
    expect(redeemToken(engine, token(keyA, 5))).toMatchObject({ ok: false });
    expect(redeemToken(engine, token(keyB, 6))).toMatchObject({ ok: true });
    // the same rotation again changes nothing
    expect(apply(rotation('token-verify', keyB, keyA.keyId, now + 60_000))).toBe('ignored');
  });
});
