import {
  type ChainedEntry,
  cashAccount,
  chainEntry,
  type EntryDraft,
  type Posting,
  type ReceivableMove,
  SUSPENSE,
  validateEntry,
} from '@gridbill/shared/ledger';
import type { Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { insertChained, lockHead } from '../ledger/ledger-repo.js';
import type { AccountRow } from '../records/accounts.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { smallInt } from '../store/int.js';
import { creditPostingsFrom, debtorMoves } from './allocation-postings.js';
import type { PaymentInput, PaymentResult, TopUpResult } from './payment-types.js';
import {
  checkAccount,
  checkReceivedAt,
  checkSameMoney,
  moneyHashOf,
  paymentIdOf,
} from './payment-rules.js';
import { PENDING_STATUS, releaseClaims } from './claim-keys.js';
import { replay } from './replay.js';
import { gatewayOfPremise, signTopUp } from './topup.js';

/** One payment request: its idempotency scope, body hash, validated input and actor. */
export interface PaymentRequest {
  scopeKey: string;
  requestHash: string;
  input: PaymentInput;
  actor: Actor;
}

export type PaymentOutcome =
  | { ok: true; status: number; body: unknown; replayed: boolean }
  | { ok: false; problem: Problem };

/** Everything a batch reads up front (a few queries for the whole batch). */
interface Loaded {
  idem: Map<string, Database['idempotency_keys']>;
  payments: Map<string, Database['payments']>;
  accounts: Map<string, AccountRow>;
  moves: Map<string, ReceivableMove[]>;
}

/** Rows a batch writes at the end (a few multi-row inserts). */
interface Writes {
  entries: ChainedEntry[];
  payments: Database['payments'][];
  audits: Database['audit_log'][];
  topups: Database['topups'][];
  idem: Database['idempotency_keys'][];
  /** Keys of refused requests: their pending claims are dropped (a retry is judged anew). */
  release: string[];
  head: { seq: bigint; hash: string };
  /** Provider transactions created in this batch, for in-batch duplicates. */
  created: Map<string, { hash: string; result: PaymentResult }>;
  gateways: Map<string, string | undefined>;
}

const txnKey = (provider: string, txn: string) => `${provider}\u0000${txn}`;
const unique = <T>(xs: T[]) => [...new Set(xs)];
const toText = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

async function load(trx: Transaction<Database>, reqs: PaymentRequest[]): Promise<Loaded> {
  const keys = unique(reqs.map((r) => r.scopeKey));
  const idemRows = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope_key', 'in', keys)
    .execute();
  const txns = unique(reqs.map((r) => r.input.providerTxnId));
  const payRows = await trx
    .selectFrom('payments')
    .selectAll()
    .where('provider_txn_id', 'in', txns)
    .execute();
  const refs = unique(reqs.flatMap((r) => (r.input.accountNumber ? [r.input.accountNumber] : [])));
  const accRows = refs.length
    ? await trx
        .selectFrom('accounts')
        .selectAll()
        .where((eb) => eb.or([eb('number', 'in', refs), eb('id', 'in', refs)]))
        .execute()
    : [];
  const accounts = new Map<string, AccountRow>();
  for (const a of accRows) accounts.set(a.number, a).set(a.id, a);
  const debtors = unique(accRows.filter((a) => a.mode !== 'prepaid').map((a) => a.id));
  const finished = idemRows.filter((r) => r.status_code !== PENDING_STATUS);
  return {
    idem: new Map(finished.map((r) => [r.scope_key, r])),
    payments: new Map(payRows.map((r) => [txnKey(r.provider, r.provider_txn_id), r])),
    accounts,
    moves: await debtorMoves(trx, debtors),
  };
}

/**
 * Posts a batch of payments in one transaction with a handful of statements: idempotency
 * keys (a pending claim from `claimKeys` becomes the stored result), provider-transaction
 * uniqueness, allocation, ledger entries (chained in order),
 * balances, top-up tokens, audit rows. Each request gets its own outcome; a request refused
 * for its own reasons (unknown account, reused key, conflicting provider transaction) writes
 * nothing and does not affect the others.
 */
export async function postPaymentBatch(
  ctx: AppContext,
  trx: Transaction<Database>,
  reqs: PaymentRequest[],
): Promise<PaymentOutcome[]> {
  const loaded = await load(trx, reqs);
  const w: Writes = {
    entries: [],
    payments: [],
    audits: [],
    topups: [],
    idem: [],
    release: [],
    head: await lockHead(trx),
    created: new Map(),
    gateways: new Map(),
  };
  const seenKeys = new Set<string>();
  const out: PaymentOutcome[] = [];
  for (const r of reqs) {
    try {
      out.push(await one(ctx, trx, r, loaded, w, seenKeys));
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      out.push({ ok: false, problem: err });
      if (!seenKeys.has(r.scopeKey)) w.release.push(r.scopeKey);
    }
  }
  await flush(trx, w);
  return out;
}

async function one(
  ctx: AppContext,
  trx: Transaction<Database>,
  r: PaymentRequest,
  loaded: Loaded,
  w: Writes,
  seenKeys: Set<string>,
): Promise<PaymentOutcome> {
  const stored = loaded.idem.get(r.scopeKey);
  if (stored) {
    if (stored.request_hash !== r.requestHash) {
      throw new Problem(
        422,
        'idempotency-key-reused',
        'this Idempotency-Key was used with a different request body',
        '/headers/idempotency-key',
      );
    }
    return {
      ok: true,
      status: smallInt(stored.status_code),
      body: JSON.parse(stored.response_body),
      replayed: true,
    };
  }
  if (seenKeys.has(r.scopeKey)) {
    throw new Problem(
      409,
      'request-in-flight',
      'a request with this Idempotency-Key is still being processed',
      '/headers/idempotency-key',
    );
  }
  const result = await resolve(ctx, trx, r, loaded, w);
  seenKeys.add(r.scopeKey);
  const status = result.duplicate ? 200 : 201;
  w.idem.push({
    scope_key: r.scopeKey,
    request_hash: r.requestHash,
    status_code: BigInt(status),
    response_body: toText(result),
    created_at_ms: BigInt(ctx.clock.wallMs()),
  });
  return { ok: true, status, body: result, replayed: false };
}

async function resolve(
  ctx: AppContext,
  trx: Transaction<Database>,
  r: PaymentRequest,
  loaded: Loaded,
  w: Writes,
): Promise<PaymentResult> {
  const p = r.input;
  const nowMs = ctx.clock.wallMs();
  const receivedAtMs = checkReceivedAt(p, nowMs);
  const hash = moneyHashOf(p);
  const key = txnKey(p.provider, p.providerTxnId);
  const prior = loaded.payments.get(key);
  if (prior) {
    checkSameMoney(p, prior.request_hash, hash);
    return replay(trx, prior);
  }
  const inBatch = w.created.get(key);
  if (inBatch) {
    checkSameMoney(p, inBatch.hash, hash);
    return { ...inBatch.result, duplicate: true };
  }
  const account = checkAccount(
    p,
    p.accountNumber ? loaded.accounts.get(p.accountNumber) : undefined,
  );
  const result = await create(ctx, trx, r, account, receivedAtMs, hash, loaded, w);
  w.created.set(key, { hash, result });
  return result;
}

async function create(
  ctx: AppContext,
  trx: Transaction<Database>,
  r: PaymentRequest,
  account: AccountRow | undefined,
  receivedAtMs: number,
  hash: string,
  loaded: Loaded,
  w: Writes,
): Promise<PaymentResult> {
  const p = r.input;
  const nowMs = ctx.clock.wallMs();
  const id = paymentIdOf(p.provider, p.providerTxnId);
  const moves = account ? (loaded.moves.get(account.id) ?? []) : [];
  const credit = account
    ? creditPostingsFrom(account, p.amountMinor, moves)
    : {
        postings: [{ account: SUSPENSE, amountMinor: -p.amountMinor }] as Posting[],
        walletCreditMinor: 0n,
      };
  const draft: EntryDraft = {
    id,
    kind: 'payment',
    currency: p.currency,
    effectiveAtMs: receivedAtMs,
    externalRef: `${p.provider}:${p.providerTxnId}`,
    postings: [{ account: cashAccount(p.channel), amountMinor: p.amountMinor }, ...credit.postings],
    memo: `${p.channel} payment`,
    actorId: r.actor.userId,
  };
  validateEntry(draft);
  const topup =
    account && credit.walletCreditMinor > 0n
      ? await topUp(ctx, trx, w, account, id, credit.walletCreditMinor)
      : null;
  const entry = chainEntry(draft, w.head.hash, w.head.seq + 1n, nowMs);
  w.head = { seq: entry.seq, hash: entry.hash };
  w.entries.push(entry);
  if (account) {
    for (const c of credit.postings) {
      const category = c.account.split(':')[2];
      if (c.account.startsWith('receivable:'))
        moves.push({
          category: category as ReceivableMove['category'],
          amountMinor: c.amountMinor,
          atMs: receivedAtMs,
        });
    }
    loaded.moves.set(account.id, moves);
  }
  const status = account ? 'posted' : 'suspense';
  w.payments.push({
    id,
    channel: p.channel,
    provider: p.provider,
    provider_txn_id: p.providerTxnId,
    account_id: account?.id ?? null,
    amount_minor: p.amountMinor,
    currency: p.currency,
    status,
    entry_id: id,
    received_at_ms: BigInt(receivedAtMs),
    cashier_id: r.actor.userId,
    request_hash: hash,
  });
  w.audits.push({
    id: ctx.newId(),
    at_ms: BigInt(nowMs),
    actor_id: r.actor.userId,
    action: `payment.${status}`,
    account_id: account?.id ?? null,
    target: `payment:${id}`,
    reason: r.actor.reason,
    comment: r.actor.comment,
    details: toText({ amountMinor: p.amountMinor, channel: p.channel }),
  });
  return {
    paymentId: id,
    entryId: id,
    status,
    accountId: account?.id ?? null,
    channel: p.channel,
    provider: p.provider,
    providerTxnId: p.providerTxnId,
    amountMinor: p.amountMinor.toString(),
    currency: p.currency,
    receivedAtMs,
    allocation: credit.postings.map((x) => ({
      account: x.account,
      amountMinor: (-x.amountMinor).toString(),
    })),
    topup,
    duplicate: false,
  };
}

async function topUp(
  ctx: AppContext,
  trx: Transaction<Database>,
  w: Writes,
  account: AccountRow,
  entryId: string,
  amountMinor: bigint,
): Promise<TopUpResult | null> {
  if (!w.gateways.has(account.id))
    w.gateways.set(account.id, await gatewayOfPremise(trx, account.premise_id));
  const gatewayId = w.gateways.get(account.id);
  if (!gatewayId) return null;
  const { row, result } = signTopUp(ctx, {
    entryId,
    accountId: account.id,
    gatewayId,
    amountMinor,
    currency: account.currency,
  });
  w.topups.push(row);
  return result;
}

async function flush(trx: Transaction<Database>, w: Writes): Promise<void> {
  const chunks = <T>(rows: T[]) =>
    Array.from({ length: Math.ceil(rows.length / 300) }, (_, i) =>
      rows.slice(i * 300, i * 300 + 300),
    );
  for (const rows of chunks(w.payments)) await trx.insertInto('payments').values(rows).execute();
  await insertChained(trx, w.entries);
  for (const rows of chunks(w.topups)) await trx.insertInto('topups').values(rows).execute();
  for (const rows of chunks(w.audits)) await trx.insertInto('audit_log').values(rows).execute();
  for (const rows of chunks(w.idem)) {
    await trx
      .insertInto('idempotency_keys')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('scope_key')
          .doUpdateSet((eb) => ({
            request_hash: eb.ref('excluded.request_hash'),
            status_code: eb.ref('excluded.status_code'),
            response_body: eb.ref('excluded.response_body'),
          }))
          .where('idempotency_keys.status_code', '=', PENDING_STATUS),
      )
      .execute();
  }
  await releaseClaims(trx, w.release);
}
