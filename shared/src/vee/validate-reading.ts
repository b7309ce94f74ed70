import { classifyDelta } from './classify-delta.js';
import { isSpike, nextRate } from './spike.js';
import type { QualityFlag, RegisterReading, VeeLimits, VeeOutcome, VeeState } from './types.js';

export interface VeeContext {
  limits: VeeLimits;
  /** Gateway time of the check, to reject readings from the future. */
  gatewayWallMs: number;
  maxClockSkewMs: number;
}

/**
 * Validates one cumulative register reading against the meter's VEE state. Quarantined and
 * duplicate readings leave the state unchanged, so the next good reading still carries all
 * the energy (cumulative registers never lose energy, only resolution).
 *
 * @example
 * validateReading(
 *   { lastCaptureMs: 0, lastValueWh: 1_000, serial: 'S1', rateMilliWhPerHour: 0 },
 *   { captureMs: 900_000, valueWh: 1_250, serial: 'S1' }, ctx)
 * // → { kind: 'accepted', deltaWh: 250, fromMs: 0, flags: [],
 * //     state: { lastCaptureMs: 900_000, lastValueWh: 1_250, serial: 'S1',
 * //              rateMilliWhPerHour: 1_000_000 } }
 */
export function validateReading(
  state: VeeState | undefined,
  reading: RegisterReading,
  ctx: VeeContext,
): VeeOutcome {
  const invalid = checkValue(reading, ctx);
  if (invalid) return invalid;
  if (!state) return baseline(reading, []);
  if (reading.serial !== state.serial) return baseline(reading, ['replacement']);
  if (reading.captureMs === state.lastCaptureMs)
    return reading.valueWh === state.lastValueWh
      ? { kind: 'duplicate' }
      : quarantine('out_of_order', `second value ${reading.valueWh} Wh for the same capture time`);
  if (reading.captureMs < state.lastCaptureMs)
    return quarantine('out_of_order', `captured before the last accepted reading`);
  const elapsedMs = reading.captureMs - state.lastCaptureMs;
  const delta = classifyDelta(state.lastValueWh, reading.valueWh, elapsedMs, ctx.limits);
  if (!delta.ok) return quarantine(delta.reason, delta.detail);
  const flags: QualityFlag[] = delta.flags; // a fresh array per classification
  if (isSpike(delta.deltaWh, elapsedMs, state.rateMilliWhPerHour, ctx.limits)) flags.push('spike');
  return {
    kind: 'accepted',
    deltaWh: delta.deltaWh,
    fromMs: state.lastCaptureMs,
    flags,
    state: {
      lastCaptureMs: reading.captureMs,
      lastValueWh: reading.valueWh,
      serial: reading.serial,
      rateMilliWhPerHour: nextRate(state.rateMilliWhPerHour, delta.deltaWh, elapsedMs),
    },
  };
}

function checkValue(reading: RegisterReading, ctx: VeeContext): VeeOutcome | undefined {
  const modulus = 10 ** ctx.limits.registerDigits;
  if (!Number.isSafeInteger(reading.valueWh) || reading.valueWh < 0 || reading.valueWh >= modulus)
    return quarantine(
      'invalid_value',
      `register value ${reading.valueWh} is not an integer in 0..${modulus - 1} Wh`,
    );
  if (reading.captureMs > ctx.gatewayWallMs + ctx.maxClockSkewMs)
    return quarantine(
      'future_timestamp',
      `captured ${reading.captureMs - ctx.gatewayWallMs} ms in the future`,
    );
  return undefined;
}

function baseline(reading: RegisterReading, flags: QualityFlag[]): VeeOutcome {
  return {
    kind: 'baseline',
    flags,
    state: {
      lastCaptureMs: reading.captureMs,
      lastValueWh: reading.valueWh,
      serial: reading.serial,
      rateMilliWhPerHour: 0,
    },
  };
}

function quarantine(
  reason: Extract<VeeOutcome, { kind: 'quarantined' }>['reason'],
  detail: string,
): VeeOutcome {
  return { kind: 'quarantined', reason, detail };
}
