import { flagsToBits } from '@gridbill/shared/interval-pack';
import {
  alignToInterval,
  type IntervalDelta,
  splitIntervals,
  validateReading,
} from '@gridbill/shared/vee';
import { crashPoint } from './crash-point.js';
import type { Engine, MeterInfo } from './engine.js';
import { raiseAlarm } from './events.js';
import { rateInterval } from './rate-interval.js';
import { evaluateAccounts } from './relay-policy.js';
import { emptySummary, type IngestSummary, type PolledReading } from './readings.js';

/** Up to this many missing intervals are estimated evenly; beyond, they are also flagged gap. */
const MAX_ESTIMATED_INTERVALS = 8;

/**
 * Stores, validates and rates one poll cycle's readings in ONE transaction, with an outbox
 * event for every reading, interval, charge, balance change and alarm. Readings of unknown
 * meters are logged and skipped; the rest of the cycle goes on.
 *
 * @example
 * ingestReadings(engine, [{ meterId: 'm1', register: 'importWh', captureMs: 900_000,
 *   valueWh: 1_250, serial: 'S1', source: 'snapshot' }])
 * // → { stored: 1, intervals: 1, charges: 1, quarantined: 0, duplicates: 0, accounts: {'a1'} }
 */
export function ingestReadings(engine: Engine, readings: readonly PolledReading[]): IngestSummary {
  const summary = emptySummary();
  engine.transact(() => {
    for (const reading of readings) ingestOne(engine, reading, summary);
    evaluateAccounts(engine, summary.accounts);
    crashPoint('after_rating_before_commit');
  });
  return summary;
}

function ingestOne(engine: Engine, reading: PolledReading, summary: IngestSummary): void {
  const meter = engine.meters.get(reading.meterId);
  if (!meter) {
    engine.deps.logger.error({ reading }, `reading for unknown meter "${reading.meterId}" skipped`);
    return;
  }
  if (!storeReading(engine, reading)) {
    summary.duplicates += 1;
    return;
  }
  summary.stored += 1;
  crashPoint('after_reading_insert');
  const stepMs = meter.config.intervalSeconds * 1000;
  const aligned = alignToInterval(
    reading.captureMs,
    meter.config.intervalSeconds,
    Math.min(60_000, stepMs / 10),
  );
  // A later read near a boundary that already has a value (faster polling near a credit
  // threshold) is a provisional reading too, not a second value for the same instant.
  if (aligned === undefined || aligned === engine.vee.get(meter.config.id)?.lastCaptureMs) {
    engine.provisional.set(meter.config.id, reading);
    summary.accounts.add(meter.config.accountId);
    return;
  }
  engine.provisional.delete(meter.config.id);
  validateAligned(engine, meter, { ...reading, captureMs: aligned }, summary);
}

function storeReading(engine: Engine, r: PolledReading): boolean {
  const quality = r.source === 'snapshot' ? 'snapshot' : 'profile';
  const run = engine.stmts.insertReading.run(
    r.captureMs,
    r.meterId,
    r.register,
    r.valueWh,
    r.serial,
    quality,
  );
  if (run.changes === 0) return false;
  const eventId = engine.deps.contentId('reading', r.meterId, r.register, r.captureMs);
  const body = {
    meterId: r.meterId,
    register: r.register,
    capturedAtMs: r.captureMs,
    valueWh: r.valueWh,
    qualityFlags: r.source === 'snapshot' ? flagsToBits(['snapshot']) : 0,
  };
  engine.outbox.append({ kind: 'reading', eventId, body }, engine.time());
  return true;
}

function validateAligned(
  engine: Engine,
  meter: MeterInfo,
  reading: PolledReading,
  summary: IngestSummary,
): void {
  const ctx = {
    limits: meter.limits,
    gatewayWallMs: engine.deps.clock.wallMs(),
    maxClockSkewMs: engine.deps.config.maxClockSkewSeconds * 1000,
  };
  const outcome = validateReading(engine.vee.get(meter.config.id), reading, ctx);
  if (outcome.kind === 'duplicate') return;
  if (outcome.kind === 'quarantined') {
    summary.quarantined += 1;
    quarantine(engine, reading, outcome.reason, outcome.detail);
    return;
  }
  engine.vee.set(meter.config.id, outcome.state);
  if (outcome.kind === 'baseline') {
    if (outcome.flags.includes('replacement')) meterReplaced(engine, reading);
    return;
  }
  const flags = reading.source === 'snapshot' ? (['snapshot'] as const) : [];
  const pieces = splitIntervals(
    outcome.fromMs,
    reading.captureMs,
    outcome.deltaWh,
    meter.config.intervalSeconds,
    MAX_ESTIMATED_INTERVALS,
  );
  for (const piece of pieces) {
    const interval = { ...piece, flags: [...piece.flags, ...outcome.flags, ...flags] };
    if (!storeInterval(engine, meter, interval)) continue;
    summary.intervals += 1;
    if (rateInterval(engine, meter, interval)) summary.charges += 1;
  }
  summary.accounts.add(meter.config.accountId);
}

function storeInterval(engine: Engine, meter: MeterInfo, iv: IntervalDelta): boolean {
  const flags = iv.flags.join(',');
  const source = iv.flags.includes('snapshot') ? 'snapshot' : 'profile';
  const run = engine.stmts.insertInterval.run(
    iv.startMs,
    meter.config.id,
    iv.endMs,
    iv.energyWh,
    flags,
    source,
  );
  if (run.changes === 0) return false;
  const eventId = engine.deps.contentId('interval', meter.config.id, 0, iv.startMs);
  const body = {
    meterId: meter.config.id,
    channel: 0,
    intervalStartMs: iv.startMs,
    intervalSeconds: meter.config.intervalSeconds,
    energyWh: iv.energyWh,
    qualityFlags: flagsToBits(iv.flags),
  };
  engine.outbox.append({ kind: 'interval', eventId, body }, engine.time());
  return true;
}

function quarantine(engine: Engine, r: PolledReading, reason: string, detail: string): void {
  engine.stmts.insertQuarantine.run(r.meterId, r.captureMs, reason, detail);
  raiseAlarm(engine, {
    code: 'reading-quarantined',
    severity: 'warning',
    meterId: r.meterId,
    message: `${reason}: ${detail}`,
    key: [r.meterId, r.captureMs, reason],
  });
}

function meterReplaced(engine: Engine, r: PolledReading): void {
  raiseAlarm(engine, {
    code: 'meter-replaced',
    severity: 'warning',
    meterId: r.meterId,
    message: `serial changed to ${r.serial}; new register baseline ${r.valueWh} Wh`,
    key: [r.meterId, r.captureMs],
  });
}
