export type AlertLevel = 'none' | 'warn' | 'critical';

export interface AlertRow {
  from: AlertLevel | '*';
  when: 'at_or_below_critical' | 'at_or_below_warn' | 'above_warn';
  to: AlertLevel | 'same';
  /** Outbox alert to emit on this transition, if any. */
  emit: 'low_credit_warning' | 'low_credit_critical' | 'low_credit_cleared' | null;
}

/** Low-credit alerts: each level is announced once per crossing; clears above warn. */
export const ALERT_TABLE: readonly AlertRow[] = [
  { from: 'critical', when: 'at_or_below_critical', to: 'critical', emit: null },
  { from: '*', when: 'at_or_below_critical', to: 'critical', emit: 'low_credit_critical' },
  { from: 'none', when: 'at_or_below_warn', to: 'warn', emit: 'low_credit_warning' },
  { from: '*', when: 'at_or_below_warn', to: 'same', emit: null },
  { from: 'none', when: 'above_warn', to: 'none', emit: null },
  { from: '*', when: 'above_warn', to: 'none', emit: 'low_credit_cleared' },
];

/**
 * Next alert level for a balance.
 *
 * @example
 * nextAlert('none', 90n, { warnMinor: 500n, criticalMinor: 100n })
 * // → { level: 'critical', emit: 'low_credit_critical', row: 1 }
 */
export function nextAlert(
  level: AlertLevel,
  balanceMinor: bigint,
  t: { warnMinor: bigint; criticalMinor: bigint },
): { level: AlertLevel; emit: AlertRow['emit']; row: number } {
  const holds = {
    at_or_below_critical: balanceMinor <= t.criticalMinor,
    at_or_below_warn: balanceMinor <= t.warnMinor,
    above_warn: balanceMinor > t.warnMinor,
  };
  const index = ALERT_TABLE.findIndex((r) => (r.from === '*' || r.from === level) && holds[r.when]);
  const row = ALERT_TABLE[index];
  if (!row) return { level, emit: null, row: -1 };
  return { level: row.to === 'same' ? level : row.to, emit: row.emit, row: index };
}
