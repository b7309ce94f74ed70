import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from '../engine/index.js';
import type { Poller } from '../polling/poller.js';
import type { SerialBusQueue } from '../polling/serial-bus-queue.js';

export interface GatewayMetrics {
  registry: Registry;
  cycleSeconds: Histogram;
  readingsTotal: Counter;
  chargesTotal: Counter;
  quarantinedTotal: Counter;
}

/**
 * Prometheus metrics for one gateway (own registry). Gauges are sampled at scrape time from
 * the engine: outbox lag, open relay commands, poll failures, bus busy time.
 */
export function createMetrics(
  engine: Engine,
  poller: Poller,
  queues: Map<string, SerialBusQueue>,
): GatewayMetrics {
  const registry = new Registry();
  const p = 'gridbill_edge_';
  new Gauge({
    name: `${p}outbox_lag_events`,
    help: 'outbox events not yet acknowledged by central',
    registers: [registry],
    collect() {
      this.set(engine.outbox.lastSeq() - engine.outbox.ackedSeq());
    },
  });
  new Gauge({
    name: `${p}relay_commands_open`,
    help: 'relay commands not yet done or failed',
    registers: [registry],
    collect() {
      const sql = "SELECT count(*) FROM relay_commands WHERE status NOT IN ('done', 'failed')";
      this.set(engine.deps.db.prepare(sql).pluck().get() as number);
    },
  });
  new Gauge({
    name: `${p}safe_mode`,
    help: '1 while the gateway holds all disconnections (safe mode)',
    registers: [registry],
    collect() {
      this.set(engine.safeMode ? 1 : 0);
    },
  });
  new Gauge({
    name: `${p}safe_mode_cause`,
    help: '1 for each cause currently holding the gateway in safe mode',
    labelNames: ['cause'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of engine.safe.causes()) this.set({ cause: e.cause }, 1);
    },
  });
  new Gauge({
    name: `${p}safe_mode_episodes`,
    help: 'times the gateway entered safe mode since start',
    registers: [registry],
    collect() {
      this.set(engine.safe.episodes);
    },
  });
  new Gauge({
    name: `${p}store_writes_rejected`,
    help: 'transactions the store refused (disk full) since start',
    registers: [registry],
    collect() {
      this.set(engine.safe.rejectedTransactions);
    },
  });
  new Gauge({
    name: `${p}poll_failures`,
    help: 'meter polls that failed since start',
    registers: [registry],
    collect() {
      this.set(poller.stats.failures);
    },
  });
  new Gauge({
    name: `${p}bus_busy_seconds`,
    help: 'time each RS-485 bus spent in transactions since start',
    labelNames: ['bus'],
    registers: [registry],
    collect() {
      for (const [bus, q] of queues) this.set({ bus }, q.busyMs / 1000);
    },
  });
  return {
    registry,
    cycleSeconds: new Histogram({
      name: `${p}poll_cycle_seconds`,
      help: 'duration of a poll cycle (poll + one transaction)',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    readingsTotal: new Counter({
      name: `${p}readings_total`,
      help: 'readings stored',
      registers: [registry],
    }),
    chargesTotal: new Counter({
      name: `${p}charges_total`,
      help: 'intervals rated',
      registers: [registry],
    }),
    quarantinedTotal: new Counter({
      name: `${p}quarantined_total`,
      help: 'readings quarantined by VEE',
      registers: [registry],
    }),
  };
}
