import { flagsToBits } from '@gridbill/shared/interval-pack';
import { IntervalBlockBuilder } from '@gridbill/shared/sync';
import {
  alignToInterval,
  type IntervalDelta,
  splitIntervals,
  type VeeContext,
  validateReading,
} from '@gridbill/shared/vee';
import { crashPoint } from './crash-point.js';
import type { Engine, MeterInfo } from './engine.js';
import { appendBlock, raiseAlarm } from './events.js';
import { rateInterval } from './rate-interval.js';
import { evaluateAccounts } from './relay-policy.js';
import { emptySummary, type IngestSummary, type PolledReading } from './readings.js';

/** Up to this many missing intervals are estimated evenly; beyond, they are also flagged gap. */
const MAX_ESTIMATED_INTERVALS = 8;

/**
 * What one cycle collects: counts for the caller and the outbox block being built; `vee` is
 * the cycle's VEE context (gateway time read once per cycle), its limits set per meter.
 */
interface Cycle {
  summary: IngestSummary;
  block: IntervalBlockBuilder;
  vee: VeeContext;
}

/**
 * Stores, validates and rates one poll cycle's readings in ONE transaction. The cycle's
 * register reads, intervals (with their charges) and per-account balance movements go to the
 * outbox as one `interval-block` event (more when it passes 5,000 rows); alarms stay events
 * of their own. Readings of unknown meters are logged and skipped; the rest goes on.
 *
 * @example
 * ingestReadings(engine, [{ meterId: 'm1', register: 'importWh', captureMs: 900_000,
 *   valueWh: 1_250, serial: 'S1', source: 'snapshot' }])
 * // → { stored: 1, intervals: 1, charges: 1, quarantined: 0, duplicates: 0, accounts: {'a1'} }
 */
export function ingestReadings(engine: Engine, readings: readonly PolledReading[]): IngestSummary {
  const cycle: Cycle = {
    summary: emptySummary(),
    block: new IntervalBlockBuilder(engine.deps.config.currency),
    vee: {
      limits: { registerDigits: 0, maxWhPerHour: 0, spikeFactor: 0, spikeFloorWhPerHour: 0 },
      gatewayWallMs: engine.deps.clock.wallMs(),
      maxClockSkewMs: engine.deps.config.maxClockSkewSeconds * 1000,
    },
  };
  engine.transact(() => {
    for (const reading of readings) ingestOne(engine, reading, cycle);
    appendBlock(engine, cycle.block);
    evaluateAccounts(engine, cycle.summary.accounts);
    crashPoint('after_rating_before_commit');
  });
  return cycle.summary;
}

function ingestOne(engine: Engine, reading: PolledReading, cycle: Cycle): void {
  const { summary } = cycle;
  const meter = engine.meters.get(reading.meterId);
  if (!meter) {
    engine.deps.logger.error({ reading }, `reading for unknown meter "${reading.meterId}" skipped`);
    return;
  }
  if (!storeReading(engine, reading, cycle.block)) {
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
  const onBoundary = aligned === reading.captureMs ? reading : { ...reading, captureMs: aligned };
  validateAligned(engine, meter, onBoundary, cycle);
}

/**
 * Adds a new reading to the cycle record and block; a reading captured at or before the last
 * one stored for its meter and register is a duplicate (a re-poll, an overlapping catch-up).
 */
function storeReading(engine: Engine, r: PolledReading, block: IntervalBlockBuilder): boolean {
  const log = engine.meterLog;
  if (!log.isNewRead(r.meterId, r.register, r.captureMs)) return false;
  log.forUpdate(r.meterId).reads[r.register] = r.captureMs;
  engine.stmts.cycleRecord.addRead({
    meterId: r.meterId,
    register: r.register,
    captureMs: r.captureMs,
    valueWh: r.valueWh,
    serial: r.serial,
    snapshot: r.source === 'snapshot',
  });
  if (block.full) appendBlock(engine, block);
  block.addRead({
    meterId: r.meterId,
    register: r.register,
    capturedAtMs: r.captureMs,
    valueWh: r.valueWh,
    quality: r.source === 'snapshot' ? SNAPSHOT_BIT : 0,
  });
  return true;
}

const SNAPSHOT_BIT = flagsToBits(['snapshot']);

function validateAligned(
  engine: Engine,
  meter: MeterInfo,
  reading: PolledReading,
  cycle: Cycle,
): void {
  const { summary } = cycle;
  cycle.vee.limits = meter.limits;
  const outcome = validateReading(engine.vee.get(meter.config.id), reading, cycle.vee);
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
  const plain = outcome.flags.length === 0 && flags.length === 0;
  for (const piece of pieces) {
    const interval = plain
      ? piece
      : { ...piece, flags: [...piece.flags, ...outcome.flags, ...flags] };
    if (storeInterval(engine, meter, interval, cycle)) summary.charges += 1;
  }
  summary.accounts.add(meter.config.accountId);
}

/**
 * Rates a new interval and adds it (with its charge) to the cycle record and block; an
 * interval starting at or before the meter's last stored one is skipped (never rated twice).
 * Returns true when charged.
 */
function storeInterval(engine: Engine, meter: MeterInfo, iv: IntervalDelta, cycle: Cycle): boolean {
  const meterId = meter.config.id;
  if (!engine.meterLog.isNewInterval(meterId, iv.startMs)) {
    engine.deps.logger.warn({ meterId, startMs: iv.startMs }, 'interval already stored: skipped');
    return false;
  }
  engine.meterLog.forUpdate(meterId).ivMs = iv.startMs;
  cycle.summary.intervals += 1;
  if (cycle.block.full) appendBlock(engine, cycle.block);
  const charge = rateInterval(engine, meter, iv, cycle.block);
  const plain = iv.flags.length === 0;
  engine.stmts.cycleRecord.addInterval({
    meterId,
    startMs: iv.startMs,
    endMs: iv.endMs,
    energyWh: iv.energyWh,
    flags: plain ? '' : iv.flags.join(','),
    charge,
  });
  cycle.block.addInterval({
    meterId,
    startMs: iv.startMs,
    seconds: meter.config.intervalSeconds,
    energyWh: iv.energyWh,
    quality: plain ? 0 : flagsToBits(iv.flags),
    charge: charge ?? undefined,
  });
  return charge !== null;
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
