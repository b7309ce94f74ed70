import type { PeriodResult } from './bill-line.js';
import type { Cursor } from './accumulate.js';
import { accumulate, newCursor } from './accumulate.js';
import type { CompiledVersion } from './compile.js';
import type { AccountAttribute } from './day-count.js';
import { chargeId } from './charge-id.js';
import { closePeriod } from './close-period.js';
import type { Accumulators, PeriodState, ServiceDates } from './period-state.js';
import { openPeriod } from './period-state.js';

export interface IncrementalOptions {
  versions: readonly CompiledVersion[];
  meterId: string;
  intervalSeconds: number;
  service?: ServiceDates;
  attributes?: readonly AccountAttribute[];
}

/**
 * One rated interval for prepaid drawdown: amount in 1e-9 currency, id per
 * meter × interval × version.
 */
export interface IntervalCharge {
  id: string;
  startMs: number;
  versionId: string;
  amountNano: number;
}

/**
 * The edge driver: rates one interval at a time into a small JSON state the gateway persists.
 *
 * ```ts
 * const rater = createIncrementalRater({ versions, meterId: 'm1', intervalSeconds: 900 });
 * const state = rater.open(fromMs, toMs);          // JSON-serialisable
 * const nano = rater.step(state, startMs, 250);    // 250 Wh → charge in 1e-9 currency
 * const { result, carry } = rater.close(state);    // bill lines, accumulators for next period
 * ```
 */
export function createIncrementalRater(options: IncrementalOptions) {
  const cursor: Cursor = newCursor();
  const { versions, intervalSeconds } = options;
  return {
    open(fromMs: number, toMs: number, carry?: Accumulators): PeriodState {
      return openPeriod(versions, fromMs, toMs, intervalSeconds, carry, options.service ?? {});
    },
    /** Adds one interval (mutates `state`); returns its charge in 1e-9 currency. */
    step(state: PeriodState, startMs: number, wh: number, quality = 0): number {
      return accumulate(state, versions, cursor, startMs, wh, quality);
    },
    /** `step` plus the deterministic charge id (SHA-256 based; slower). */
    charge(state: PeriodState, startMs: number, wh: number, quality = 0): IntervalCharge {
      const amountNano = accumulate(state, versions, cursor, startMs, wh, quality);
      const versionId = state.segments[state.seg]!.versionId;
      const id = chargeId(options.meterId, startMs, versionId);
      return { id, startMs, versionId, amountNano };
    },
    close(state: PeriodState): { result: PeriodResult; carry: Accumulators } {
      return closePeriod(state, versions, options.attributes ?? []);
    },
  };
}

export type IncrementalRater = ReturnType<typeof createIncrementalRater>;
