import { ManualClock } from '@gridbill/shared/clock';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startTelemetryPublisher } from './telemetry-publisher.js';

describe('telemetry publisher', () => {
  it('sends the newest reading per meter once per period, only when it changed', () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE readings (capture_ms INTEGER, meter_id TEXT, register TEXT, value_wh INTEGER)',
    );
    const add = db.prepare("INSERT INTO readings VALUES (?, ?, 'importWh', ?)");
    add.run(1000, 'm1', 10);
    add.run(2000, 'm1', 12);
    add.run(1500, 'm2', 7);
    const clock = new ManualClock({ wallMs: 0 });
    const messages: unknown[] = [];
    let online = true;
    const link = { publishTelemetry: (t: unknown) => (online ? messages.push(t) > 0 : false) };
    const pub = startTelemetryPublisher({ db, clock, link, everyMs: 1000 });
    clock.advance(1000);
    expect(messages).toEqual([
      { meterId: 'm1', capturedAtMs: 2000, values: { importWh: 12 } },
      { meterId: 'm2', capturedAtMs: 1500, values: { importWh: 7 } },
    ]);
    clock.advance(1000); // nothing new
    expect(messages).toHaveLength(2);
    add.run(3000, 'm2', 9);
    online = false;
    clock.advance(1000); // offline: dropped, not queued
    expect(pub.stats).toEqual({ published: 2, dropped: 1 });
    online = true;
    clock.advance(1000);
    expect(messages).toHaveLength(2);
    pub.stop();
  });
});
