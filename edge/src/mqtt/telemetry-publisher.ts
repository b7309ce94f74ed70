import type { Clock, TimerHandle } from '@gridbill/shared/clock';
import type { Database } from 'better-sqlite3';
import { latestReadings } from '../store/latest-readings.js';
import type { GatewayLink } from './gateway-link.js';

export interface TelemetryPublisherOptions {
  db: Database;
  clock: Clock;
  link: Pick<GatewayLink, 'publishTelemetry'>;
  /** At most one message per meter per period. Default 60 000 ms. */
  everyMs?: number;
}

/**
 * Live telemetry (lossy by design, QoS 0): every period, the newest register reading of each
 * meter that changed since the last message, e.g. { meterId: 'm1', capturedAtMs: t,
 * values: { importWh: 10412 } }. Readings come from the store, so nothing in the poll path
 * waits for MQTT; a message dropped while offline is simply not sent, and a reading stored
 * late (older than one already sent) is skipped.
 */
export function startTelemetryPublisher(o: TelemetryPublisherOptions) {
  const everyMs = o.everyMs ?? 60_000;
  // newest value per meter and register after the watermark (the store's cycle records by
  // their capture index, not a scan of the `readings` view)
  const latest = latestReadings(o.db);
  let watermarkMs = 0;
  let timer: TimerHandle | null = null;
  const stats = { published: 0, dropped: 0 };

  const publishOnce = (): number => {
    const rows = latest(watermarkMs);
    const byMeter = new Map<string, { capturedAtMs: number; values: Record<string, number> }>();
    for (const r of rows) {
      const m = byMeter.get(r.meter_id) ?? { capturedAtMs: r.capture_ms, values: {} };
      m.capturedAtMs = Math.max(m.capturedAtMs, r.capture_ms);
      m.values[r.register] = r.value_wh;
      byMeter.set(r.meter_id, m);
      watermarkMs = Math.max(watermarkMs, r.capture_ms);
    }
    for (const [meterId, m] of byMeter) {
      if (o.link.publishTelemetry({ meterId, ...m })) stats.published += 1;
      else stats.dropped += 1;
    }
    return byMeter.size;
  };
  const loop = () => {
    timer = o.clock.setTimeout(() => {
      publishOnce();
      loop();
    }, everyMs);
  };
  loop();
  return {
    publishOnce,
    stats,
    stop() {
      if (timer !== null) o.clock.clearTimeout(timer);
      timer = null;
    },
  };
}
