import { GENESIS_HASH } from '@gridbill/shared/ledger';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { type ColumnType, createTable } from './create-table.js';

/** `createTable` with this file's defaults (primary key `id`). */
function table(
  db: Kysely<unknown>,
  name: string,
  spec: Record<string, ColumnType>,
  primaryKey: string[] = ['id'],
  uniques: Record<string, string[]> = {},
): Promise<void> {
  return createTable(db, name, spec, { primaryKey, uniques });
}

async function records(db: Kysely<unknown>): Promise<void> {
  const T = 'text' as const;
  const B = 'bigint' as const;
  await table(db, 'customers', { id: T, name: T, phone: T, email: T, created_at_ms: B });
  await table(db, 'premises', { id: T, customer_id: T, address: T, time_zone: T });
  await table(db, 'service_points', { id: T, premise_id: T, kind: T });
  await table(db, 'meters', { id: T, serial: T, model: T, created_at_ms: B }, ['id'], {
    meters_serial_uq: ['serial'],
  });
  const ev = { id: T, meter_id: T, service_point_id: T, kind: T, at_ms: B, read_wh: B };
  await table(db, 'meter_events', ev);
  const acc = {
    id: T,
    number: T,
    customer_id: T,
    'premise_id?': T,
    currency: T,
    mode: T,
    allocation_rule: T,
    'tariff_id?': T,
    created_at_ms: B,
  };
  await table(db, 'accounts', acc, ['id'], { accounts_number_uq: ['number'] });
  const mc = {
    id: T,
    account_id: T,
    from_mode: T,
    to_mode: T,
    effective_at_ms: B,
    'settlement_entry_id?': T,
  };
  await table(db, 'account_mode_changes', mc);
  await table(db, 'gateways', { id: T, name: T, secret_hash: T, created_at_ms: B });
  await table(db, 'gateway_meters', { gateway_id: T, meter_id: T, assigned_at_ms: B }, [
    'meter_id',
  ]);
  await table(db, 'relay_states', { meter_id: T, state: T, reported_at_ms: B }, ['meter_id']);
}

async function tariffsAndPlans(db: Kysely<unknown>): Promise<void> {
  const T = 'text' as const;
  const B = 'bigint' as const;
  await table(db, 'tariffs', { id: T, name: T, currency: T, created_at_ms: B });
  const tv = {
    id: T,
    tariff_id: T,
    effective_from_ms: B,
    document: T,
    document_sha256: T,
    key_id: T,
    signature: T,
    created_at_ms: B,
  };
  await table(db, 'tariff_versions', tv, ['id'], {
    tariff_versions_uq: ['tariff_id', 'effective_from_ms'],
  });
  await table(db, 'discount_programmes', { id: T, name: T, rule: T, created_at_ms: B });
  const de = { id: T, programme_id: T, account_id: T, from_ms: B, evidence: T };
  await table(db, 'discount_enrolments', de);
  const bc = { id: T, name: T, day_of_month: B, time_zone: T };
  await table(db, 'billing_cycles', bc);
  await table(db, 'routes', { id: T, name: T, 'billing_cycle_id?': T });
  await table(db, 'route_meters', { route_id: T, meter_id: T, position: B }, [
    'route_id',
    'meter_id',
  ]);
}

async function ledger(db: Kysely<unknown>): Promise<void> {
  const T = 'text' as const;
  const B = 'bigint' as const;
  const entry = {
    id: T,
    seq: B,
    kind: T,
    currency: T,
    effective_at_ms: B,
    posted_at_ms: B,
    'external_ref?': T,
    'reverses_id?': T,
    'reason_code?': T,
    memo: T,
    actor_id: T,
    prev_hash: T,
    hash: T,
  };
  await table(db, 'ledger_entries', entry, ['id'], {
    ledger_entries_seq_uq: ['seq'],
    ledger_entries_ref_uq: ['external_ref'],
    ledger_entries_reverses_uq: ['reverses_id'],
  });
  const posting = {
    entry_id: T,
    line_no: B,
    ledger_account: T,
    amount_minor: B,
    effective_at_ms: B,
  };
  await table(db, 'ledger_postings', posting, ['entry_id', 'line_no']);
  await db.schema
    .createIndex('ledger_postings_account_ix')
    .on('ledger_postings')
    .columns(['ledger_account', 'effective_at_ms'])
    .execute();
  const bal = { ledger_account: T, currency: T, balance_minor: B };
  await table(db, 'ledger_balances', bal, ['ledger_account']);
  await table(db, 'ledger_head', { id: B, seq: B, hash: T });
  await db
    .insertInto('ledger_head' as never)
    .values({ id: 1n, seq: 0n, hash: GENESIS_HASH } as never)
    .execute();
}

async function payments(db: Kysely<unknown>): Promise<void> {
  const T = 'text' as const;
  const B = 'bigint' as const;
  const pay = {
    id: T,
    channel: T,
    provider: T,
    provider_txn_id: T,
    'account_id?': T,
    amount_minor: B,
    currency: T,
    status: T,
    entry_id: T,
    received_at_ms: B,
    cashier_id: T,
    request_hash: T,
  };
  await table(db, 'payments', pay, ['id'], {
    payments_provider_txn_uq: ['provider', 'provider_txn_id'],
  });
  await db.schema.createIndex('payments_account_ix').on('payments').column('account_id').execute();
  const rev = { payment_id: T, entry_id: T, reason_code: T, at_ms: B };
  await table(db, 'payment_reversals', rev, ['payment_id']);
  const top = { id: T, account_id: T, gateway_id: T, token: T, expires_at_ms: B };
  await table(db, 'topups', top);
  const close = {
    id: T,
    cashier_id: T,
    date_key: T,
    count: B,
    total_minor: B,
    declared_minor: B,
    currency: T,
    closed_at_ms: B,
  };
  await table(db, 'cashier_closes', close, ['id'], {
    cashier_closes_uq: ['cashier_id', 'date_key', 'currency'],
  });
  const idem = {
    scope_key: T,
    request_hash: T,
    status_code: B,
    response_body: T,
    created_at_ms: B,
  };
  await table(db, 'idempotency_keys', idem, ['scope_key']);
}

async function staff(db: Kysely<unknown>): Promise<void> {
  const T = 'text' as const;
  const B = 'bigint' as const;
  const user = { id: T, username: T, display_name: T, role: T, password_hash: T, created_at_ms: B };
  await table(db, 'users', user, ['id'], { users_username_uq: ['username'] });
  const ses = { token_hash: T, user_id: T, expires_at_ms: B, kind: T };
  await table(db, 'sessions', ses, ['token_hash']);
  const audit = {
    id: T,
    at_ms: B,
    actor_id: T,
    action: T,
    'account_id?': T,
    target: T,
    reason: T,
    comment: T,
    details: T,
  };
  await table(db, 'audit_log', audit);
  await db.schema.createIndex('audit_account_ix').on('audit_log').column('account_id').execute();
  await db.schema.createIndex('audit_actor_ix').on('audit_log').column('actor_id').execute();
}

const ALL: Record<string, Migration> = {
  '0001_records': { up: records },
  '0002_tariffs_plans': { up: tariffsAndPlans },
  '0003_ledger': { up: ledger },
  '0004_payments': { up: payments },
  '0005_staff': { up: staff },
};

/** Migrations are code (one list for both backends), applied in name order. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ALL,
};
