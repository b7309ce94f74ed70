import type { Rational } from './rational.js';

/** Amounts are computed in 1e-9 of the currency's major unit before the one rounding. */
export const AMOUNT_SCALE = 9;

export type LineKind =
  | 'fixed'
  | 'energy'
  | 'dynamic'
  | 'demand'
  | 'minimum'
  | 'discount'
  | 'tax'
  | 'rounding';

/** What a line was computed from. */
export interface LineDeterminants {
  versionId: string;
  fromMs: number;
  toMs: number;
  period?: string;
  tier?: number;
  /** energy behind the line in Wh (exact; a fraction for proportional tier shares) */
  wh?: string;
  /** Wh from intervals whose reading quality was not actual */
  estimatedWh?: number;
  fallbackUsed?: boolean;
  fallbackIntervals?: number;
}

/** One explained bill line: `amountMinor` is rounded once from `precise` by the tariff rule. */
export interface BillLine {
  kind: LineKind;
  componentId: string;
  description: string;
  quantity: string;
  unit: string;
  rate: string;
  amountMinor: bigint;
  /** the unrounded amount in 1e-9 currency */
  precise: Rational;
  determinants: LineDeterminants;
}

export interface PeriodResult {
  fromMs: number;
  toMs: number;
  currency: string;
  exponent: number;
  lines: BillLine[];
  totalMinor: bigint;
}
