/**
 * Table types shared by both backends. Every integer column is `bigint` in SQL and in
 * TypeScript (SQLite runs with safe integers, PostgreSQL parses int8/numeric to bigint), so
 * money never passes through a float. Times are UTC epoch milliseconds in `*_ms` columns.
 */
export interface Database {
  customers: { id: string; name: string; phone: string; email: string; created_at_ms: bigint };
  premises: { id: string; customer_id: string; address: string; time_zone: string };
  service_points: { id: string; premise_id: string; kind: string };
  meters: { id: string; serial: string; model: string; created_at_ms: bigint };
  meter_events: {
    id: string;
    meter_id: string;
    service_point_id: string;
    kind: string;
    at_ms: bigint;
    read_wh: bigint;
  };
  accounts: {
    id: string;
    number: string;
    customer_id: string;
    premise_id: string | null;
    currency: string;
    mode: string;
    allocation_rule: string;
    tariff_id: string | null;
    created_at_ms: bigint;
  };
  account_mode_changes: {
    id: string;
    account_id: string;
    from_mode: string;
    to_mode: string;
    effective_at_ms: bigint;
    settlement_entry_id: string | null;
  };
  gateways: { id: string; name: string; secret_hash: string; created_at_ms: bigint };
  gateway_meters: { gateway_id: string; meter_id: string; assigned_at_ms: bigint };
  relay_states: { meter_id: string; state: string; reported_at_ms: bigint };
  tariffs: { id: string; name: string; currency: string; created_at_ms: bigint };
  tariff_versions: {
    id: string;
    tariff_id: string;
    effective_from_ms: bigint;
    document: string;
    document_sha256: string;
    key_id: string;
    signature: string;
    created_at_ms: bigint;
  };
  discount_programmes: { id: string; name: string; rule: string; created_at_ms: bigint };
  discount_enrolments: {
    id: string;
    programme_id: string;
    account_id: string;
    from_ms: bigint;
    evidence: string;
  };
  billing_cycles: { id: string; name: string; day_of_month: bigint; time_zone: string };
  routes: { id: string; name: string; billing_cycle_id: string | null };
  route_meters: { route_id: string; meter_id: string; position: bigint };
  ledger_entries: {
    id: string;
    seq: bigint;
    kind: string;
    currency: string;
    effective_at_ms: bigint;
    posted_at_ms: bigint;
    external_ref: string | null;
    reverses_id: string | null;
    reason_code: string | null;
    memo: string;
    actor_id: string;
    prev_hash: string;
    hash: string;
  };
  ledger_postings: {
    entry_id: string;
    line_no: bigint;
    ledger_account: string;
    amount_minor: bigint;
    effective_at_ms: bigint;
  };
  ledger_balances: { ledger_account: string; currency: string; balance_minor: bigint };
  ledger_head: { id: bigint; seq: bigint; hash: string };
  payments: {
    id: string;
    channel: string;
    provider: string;
    provider_txn_id: string;
    account_id: string | null;
    amount_minor: bigint;
    currency: string;
    status: string;
    entry_id: string;
    received_at_ms: bigint;
    cashier_id: string;
    request_hash: string;
  };
  payment_reversals: {
    payment_id: string;
    entry_id: string;
    reason_code: string;
    at_ms: bigint;
  };
  topups: {
    id: string;
    account_id: string;
    gateway_id: string;
    token: string;
    expires_at_ms: bigint;
  };
  cashier_closes: {
    id: string;
    cashier_id: string;
    date_key: string;
    count: bigint;
    total_minor: bigint;
    declared_minor: bigint;
    currency: string;
    closed_at_ms: bigint;
  };
  idempotency_keys: {
    scope_key: string;
    request_hash: string;
    status_code: bigint;
    response_body: string;
    created_at_ms: bigint;
  };
  users: {
    id: string;
    username: string;
    display_name: string;
    role: string;
    password_hash: string;
    created_at_ms: bigint;
  };
  sessions: { token_hash: string; user_id: string; expires_at_ms: bigint; kind: string };
  audit_log: {
    id: string;
    at_ms: bigint;
    actor_id: string;
    action: string;
    account_id: string | null;
    target: string;
    reason: string;
    comment: string;
    details: string;
  };
}
