import BetterSqlite3 from 'better-sqlite3';
import { registerStoreFunctions, restoreBalances } from '@gridbill/edge/store';

export interface GatewayDbView {
  readings: { captureMs: number; meterId: string; valueWh: number }[];
  intervalsWh: Map<string, number>;
  firstIntervalStartMs: Map<string, number>;
  chargesWh: Map<string, number>;
  chargeKeys: string[];
  chargesMinor: Map<string, bigint>;
  /** Ids of charges with a non-zero amount (central posts nothing for a zero charge). */
  postedChargeIds: Map<string, string[]>;
  /** Ids of every charge (zero amounts too), per account. */
  chargeIds: Map<string, string[]>;
  balances: Map<string, bigint>;
  /** Σ standing charges drawn per account (minor units). */
  standingMinor: Map<string, bigint>;
  redeemed: { tokenId: string; accountId: string; amountMinor: bigint }[];
  outbox: {
    seq: number;
    kind: string;
    eventId: string;
    occurredAtMs: number;
    body: Record<string, unknown>;
  }[];
  quarantined: number;
}

/**
 * Reads the gateway's SQLite store read-only (the gateway may be running or dead), e.g.
 * `readGatewayDb(file).intervalsWh.get(meterId)` → 5123 (Σ interval energy of that meter).
 */
export function readGatewayDb(file: string): GatewayDbView {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  db.defaultSafeIntegers(false);
  registerStoreFunctions(db); // the charges view derives charge ids with it
  try {
    const all = <T>(sql: string) => db.prepare(sql).all() as T[];
    const sums = (sql: string) =>
      new Map(all<{ k: string; v: number }>(sql).map((r) => [r.k, r.v] as const));
    const chargeRows = all<{
      id: string;
      meter_id: string;
      start: number;
      account: string;
      amount: string;
    }>(
      'SELECT id, meter_id, interval_start_ms AS start, ' +
        'account_id AS account, amount_minor AS amount FROM charges',
    );
    const chargesMinor = new Map<string, bigint>();
    const postedChargeIds = new Map<string, string[]>();
    const chargeIds = new Map<string, string[]>();
    for (const c of chargeRows) {
      chargeIds.set(c.account, [...(chargeIds.get(c.account) ?? []), c.id]);
      chargesMinor.set(c.account, (chargesMinor.get(c.account) ?? 0n) + BigInt(c.amount));
      if (BigInt(c.amount) !== 0n)
        postedChargeIds.set(c.account, [...(postedChargeIds.get(c.account) ?? []), c.id]);
    }
    return {
      readings: all<{ captureMs: number; meterId: string; valueWh: number }>(
        'SELECT capture_ms AS captureMs, meter_id AS meterId, value_wh AS valueWh FROM readings',
      ),
      intervalsWh: sums('SELECT meter_id AS k, sum(energy_wh) AS v FROM intervals GROUP BY 1'),
      firstIntervalStartMs: sums(
        'SELECT meter_id AS k, min(start_ms) AS v FROM intervals GROUP BY 1',
      ),
      chargesWh: sums('SELECT meter_id AS k, sum(energy_wh) AS v FROM charges GROUP BY 1'),
      chargeKeys: chargeRows.map((c) => `${c.meter_id}@${c.start}`),
      chargesMinor,
      postedChargeIds,
      chargeIds,
      // checkpoint rows moved on by the cycle records after them
      balances: new Map([...restoreBalances(db)].map(([id, b]) => [id, b.balanceMinor] as const)),
      standingMinor: new Map(
        all<{ id: string; m: string }>(
          'SELECT account_id AS id, CAST(sum(amount_minor) AS TEXT) AS m FROM standing_charges ' +
            'GROUP BY 1',
        ).map((r) => [r.id, BigInt(r.m)] as const),
      ),
      redeemed: all<{ tokenId: string; accountId: string; amount: string }>(
        'SELECT token_id AS tokenId, account_id AS accountId, amount_minor AS amount ' +
          'FROM redeemed_tokens',
      ).map((r) => ({ tokenId: r.tokenId, accountId: r.accountId, amountMinor: BigInt(r.amount) })),
      outbox: all<{ seq: number; kind: string; eventId: string; at: number; body: string }>(
        'SELECT seq, kind, event_id AS eventId, occurred_at_ms AS at, body FROM outbox ' +
          'ORDER BY seq',
      ).map((r) => ({
        seq: r.seq,
        kind: r.kind,
        eventId: r.eventId,
        occurredAtMs: r.at,
        body: JSON.parse(r.body) as Record<string, unknown>,
      })),
      quarantined: db.prepare('SELECT count(*) FROM quarantine').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}
