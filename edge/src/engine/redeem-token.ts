import { tokenPublicKeyFromRaw, verifyToken } from '@gridbill/shared/token';
import { trustedKey } from '../sync/trusted-keys.js';
import { crashPoint } from './crash-point.js';
import type { Engine } from './engine.js';
import { postBalanceChange } from './events.js';
import { evaluateAccounts } from './relay-policy.js';

export type RedeemResult =
  | { ok: true; tokenId: string; accountId: string; amountMinor: bigint; balanceMinor: bigint }
  | { ok: false; reason: string; detail: string };

/**
 * Redeems an offline top-up token: locked out after too many failures, verified with public
 * keys only, credited once (token id = ledger entry id), relay re-evaluated in the same
 * transaction. A rejected token changes no balance; the failure is counted for the lockout.
 *
 * @example
 * redeemToken(engine, 'AQGS8MEt…') // → { ok: true, tokenId: '0192f0c1-…', amountMinor: 50000n,
 * //                                   accountId: 'ACC-1001', balanceMinor: 49800n }
 * redeemToken(engine, 'AQGS8MEt…') // → { ok: false, reason: 'already-redeemed', ... }
 */
export function redeemToken(engine: Engine, text: string): RedeemResult {
  const cfg = engine.deps.config.tokens;
  const wallMs = engine.deps.clock.wallMs();
  if (recentFailures(engine, wallMs - cfg.failureWindowSeconds * 1000) >= cfg.maxFailures)
    return reject(engine, 'locked-out', `more than ${cfg.maxFailures} bad tokens recently`, false);
  const check = verifyToken(text, {
    publicKeyFor: (kid) => publicKeyFor(engine, kid),
    gatewayId: engine.deps.config.gatewayId,
    nowMs: wallMs,
  });
  if (!check.ok) return reject(engine, check.reason, check.detail, true);
  const t = check.token;
  if (!engine.accounts.has(t.accountId))
    return reject(engine, 'unknown-account', `account ${t.accountId} is not on this gateway`, true);
  if (t.currency !== engine.deps.config.currency)
    return reject(engine, 'wrong-currency', `token is in ${t.currency}`, true);
  const result = engine.transact(() => credit(engine, t, wallMs));
  if (!result.ok) return reject(engine, result.reason, result.detail, true);
  crashPoint('after_token_redeem');
  return result;
}

function credit(
  engine: Engine,
  t: { tokenId: string; accountId: string; amountMinor: bigint; keyId: string; currency: string },
  wallMs: number,
): RedeemResult {
  const inserted = engine.stmts.insertRedeemed.run(
    t.tokenId,
    t.accountId,
    t.amountMinor.toString(),
    wallMs,
  ).changes;
  if (inserted === 0)
    return { ok: false, reason: 'already-redeemed', detail: `token ${t.tokenId} was redeemed` };
  const body = {
    tokenId: t.tokenId,
    accountId: t.accountId,
    amountMinor: t.amountMinor.toString(),
    currency: t.currency,
    keyId: t.keyId,
  };
  engine.outbox.append({ kind: 'token-redemption', eventId: t.tokenId, body }, engine.time());
  const balanceMinor = postBalanceChange(engine, {
    accountId: t.accountId,
    entryId: t.tokenId,
    entryKind: 'token',
    deltaMinor: t.amountMinor,
    reference: `token:${t.tokenId}`,
  });
  evaluateAccounts(engine, [t.accountId]);
  const { tokenId, accountId, amountMinor } = t;
  return { ok: true, tokenId, accountId, amountMinor, balanceMinor };
}

function reject(engine: Engine, reason: string, detail: string, count: boolean): RedeemResult {
  if (count) engine.stmts.insertTokenFailure.run(engine.deps.clock.wallMs(), reason);
  engine.deps.logger.warn({ reason, detail }, `token rejected: ${reason}`);
  return { ok: false, reason, detail };
}

function recentFailures(engine: Engine, sinceWallMs: number): number {
  return engine.deps.db
    .prepare('SELECT count(*) FROM token_failures WHERE wall_ms > ?')
    .pluck()
    .get(sinceWallMs) as number;
}

/** A configured key, else one central announced by key rotation (until it retires). */
function publicKeyFor(engine: Engine, kid: string) {
  const entry = engine.deps.config.tokens.publicKeys.find((k) => k.kid === kid);
  if (!entry) return trustedKey(engine.deps.db, 'token-verify', kid, engine.deps.clock.wallMs());
  return tokenPublicKeyFromRaw(Buffer.from(entry.publicKey, 'hex'));
}
