import { schedule } from 'node-cron';
import type { Clock } from '@gridbill/shared/clock';
import type { Logger } from 'pino';
import { type Engine, evaluateAll, type RelayJournalRunner } from '../engine/index.js';
import { drawStandingCharges, type StandingChargeSource } from '../engine/standing-charges.js';
import type { Poller } from '../polling/poller.js';
import { applyRetention } from '../store/index.js';
import type { GatewayMetrics } from './metrics.js';

export interface ScheduleDeps {
  engine: Engine;
  poller: Poller;
  runner: RelayJournalRunner;
  metrics: GatewayMetrics;
  clock: Clock;
  logger: Logger;
  schedules?: boolean;
  pollEveryMs?: number;
  /** Standing charges drawn on prepaid balances each local day (none when absent). */
  standingCharges?: StandingChargeSource;
}

/**
 * Register reads and catch-up (node-cron, site time zone, or a fixed period), near-threshold
 * polling, a policy tick every 30 s (grace periods and protected windows end without new
 * readings), clock checks and daily retention. Cycles never overlap.
 */
export function startSchedules(d: ScheduleDeps): { stop(): void } {
  const stops: (() => void)[] = [];
  let busy = false;
  const cycle = (label: string, ids?: () => string[]) => async () => {
    const meterIds = ids?.();
    if (busy || meterIds?.length === 0) return;
    busy = true;
    const end = d.metrics.cycleSeconds.startTimer();
    try {
      const s = await d.poller.pollCycle(meterIds);
      d.metrics.readingsTotal.inc(s.stored);
      d.metrics.chargesTotal.inc(s.charges);
      d.metrics.quarantinedTotal.inc(s.quarantined);
    } catch (err) {
      d.logger.error({ err: (err as Error).message, label }, 'poll cycle failed');
    } finally {
      end();
      busy = false;
    }
  };
  const every = (ms: number, fn: () => unknown) => {
    let handle = d.clock.setTimeout(function tick() {
      void Promise.resolve(fn()).finally(() => {
        handle = d.clock.setTimeout(tick, ms);
      });
    }, ms);
    stops.push(() => d.clock.clearTimeout(handle));
  };
  /** Runs on wall-clock multiples of `periodMs` (polls land on interval boundaries). */
  const aligned = (periodMs: number, fn: () => unknown) => {
    const delay = () => periodMs - (d.clock.wallMs() % periodMs);
    let handle = d.clock.setTimeout(function tick() {
      void Promise.resolve(fn()).finally(() => {
        handle = d.clock.setTimeout(tick, delay());
      });
    }, delay());
    stops.push(() => d.clock.clearTimeout(handle));
  };
  const cfg = d.engine.deps.config;
  if (d.pollEveryMs) aligned(d.pollEveryMs, cycle('fixed'));
  if (d.schedules !== false) {
    const tz = { timezone: cfg.siteTimeZone };
    const tasks = [
      schedule(cfg.schedules.registerReads, cycle('registerReads'), tz),
      schedule(cfg.schedules.loadProfileCatchUp, cycle('catchUp'), tz),
      schedule(cfg.schedules.clockCheck, () => d.poller.clockCheck(), tz),
      schedule('13 3 * * *', () => retention(d), tz),
    ];
    stops.push(() => {
      for (const t of tasks) void t.stop();
    });
    every(
      cfg.schedules.nearThresholdPollSeconds * 1000,
      cycle('nearThreshold', () => d.poller.nearThresholdMeters()),
    );
  }
  every(30_000, () => policyTick(d));
  drawStanding(d); // a gateway starting mid-day draws the day's standing charges at once
  return {
    stop: () => {
      for (const s of stops) s();
    },
  };
}

/**
 * Safe-mode checks (clock trust, balances, disk space), the day's standing charges, then the
 * relay policy; a failure (e.g. a full disk) is logged and the tick runs again 30 s later.
 */
function policyTick(d: ScheduleDeps): void {
  try {
    d.engine.safe.tick();
    drawStanding(d);
    evaluateAll(d.engine);
    d.runner.kick();
  } catch (err) {
    d.logger.error({ err: (err as Error).message }, 'policy tick failed');
  }
}

function drawStanding(d: ScheduleDeps): void {
  if (!d.standingCharges) return;
  try {
    const drawn = drawStandingCharges(d.engine, d.standingCharges);
    if (drawn > 0) d.logger.info({ drawn }, 'standing charges drawn');
  } catch (err) {
    d.logger.error({ err: (err as Error).message }, 'standing charges not drawn');
  }
}

function retention(d: ScheduleDeps): void {
  const cutoff = d.clock.wallMs() - d.engine.deps.config.retentionDays * 86_400_000;
  try {
    const removed = applyRetention(d.engine.deps.db, cutoff);
    d.logger.info({ removed }, 'retention applied');
  } catch (err) {
    d.logger.error({ err: (err as Error).message }, 'retention failed');
  }
}
