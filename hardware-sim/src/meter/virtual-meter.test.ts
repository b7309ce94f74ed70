import { describe, expect, it } from 'vitest';
import { mix32 } from './hash-noise.js';
import { meterSpec } from './meter-spec.js';
import { VirtualMeter } from './virtual-meter.js';

const T0 = Date.UTC(2026, 0, 1); // Thursday
const MIN = 60_000;
const DAY = 86_400_000;

function seededSteps(seed: number, count: number, maxMs: number): number[] {
  return Array.from({ length: count }, (_, i) => 1 + (mix32(seed, i) % maxMs));
}

/** Oracle: Σ power × minute, computed minute by minute outside the accumulator. */
function integratedWh(meter: VirtualMeter, fromMs: number, toMs: number) {
  let importWms = 0;
  let exportWms = 0;
  for (let t = fromMs; t < toMs; t += MIN) {
    const p = meter.powerAt(t);
    if (p > 0) importWms += p * MIN;
    else exportWms -= p * MIN;
  }
  return { importWms, exportWms };
}

describe('virtual meter model', () => {
  it('is reproducible: same seed and clock give identical registers, profile and events', () => {
    const run = () => {
      const m = new VirtualMeter(
        meterSpec({ id: 'a', seed: 42, load: { shape: 'solar-prosumer' } }),
        T0,
      );
      let t = T0;
      for (const step of seededSteps(7, 300, 20 * MIN)) m.registers((t += step));
      m.injectFault(t, { kind: 'reverse-flow' }, 3600);
      m.registers(t + 2 * DAY);
      return { regs: m.registers(t + 2 * DAY), profile: m.profileRows(), events: m.eventRows() };
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.profile.length).toBeGreaterThan(96);
    const other = new VirtualMeter(
      meterSpec({ id: 'a', seed: 43, load: { shape: 'solar-prosumer' } }),
      T0,
    );
    expect(other.registers(T0 + DAY)).not.toEqual(
      new VirtualMeter(
        meterSpec({ id: 'a', seed: 42, load: { shape: 'solar-prosumer' } }),
        T0,
      ).registers(T0 + DAY),
    );
  });

  it('gives the same registers whether read every few seconds or once', () => {
    const spec = meterSpec({ id: 'b', seed: 3, load: { shape: 'commercial' } });
    const often = new VirtualMeter(spec, T0);
    let t = T0;
    for (const step of seededSteps(11, 2000, 90_000)) often.advanceTo((t += step));
    const once = new VirtualMeter(spec, T0);
    expect(once.registers(t)).toEqual(often.registers(t));
    expect(once.profileRows()).toEqual(often.profileRows());
    expect(once.demandW(t)).toEqual(often.demandW(t));
  });

  it('conserves energy over a month: Σ intervals = register difference = Σ P·t', () => {
    const spec = meterSpec({
      id: 'c',
      seed: 5,
      load: { shape: 'solar-prosumer' },
      start: { importWh: 5000, exportWh: 7, importRateWh: [5000, 0, 0, 0] },
    });
    const meter = new VirtualMeter(spec, T0);
    const end = T0 + 30 * DAY;
    const regs = meter.registers(end);
    const rows = meter.profileRows();
    expect(rows).toHaveLength(30 * 96);
    const deltas = rows.map((r, i) => r.importWh - (i === 0 ? 5000 : rows[i - 1]!.importWh));
    const sum = deltas.reduce((a, b) => a + b, 0);
    expect(sum).toBe(regs.importWh - 5000);
    const oracle = integratedWh(meter, T0, end);
    expect(regs.importWh - 5000).toBe(Math.floor(oracle.importWms / 3_600_000));
    expect(regs.exportWh - 7).toBe(Math.floor(oracle.exportWms / 3_600_000));
    expect(regs.exportWh).toBeGreaterThan(1000);
    expect(regs.importRateWh.reduce((a, b) => a + b, 0)).toBe(regs.importWh);
    expect(regs.importRateWh.slice(0, 3).every((w) => w > 0)).toBe(true);
    expect(regs.importRateWh[3]).toBe(0); // the default TOU table has no rate 4
  });

  it('accounts for rollover and swap faults only through the event log', () => {
    const meter = new VirtualMeter(meterSpec({ id: 'd', seed: 9, registerDigits: 6 }), T0);
    const end = T0 + 30 * DAY;
    meter.advanceTo(T0 + 10 * DAY + 7 * MIN);
    meter.injectFault(T0 + 10 * DAY + 7 * MIN, {
      kind: 'register-rollover',
      params: { marginWh: 500 },
    });
    meter.injectFault(T0 + 20 * DAY + 3 * MIN, { kind: 'meter-swap', params: {} });
    const regs = meter.registers(end);
    const events = meter.eventRows();
    const jumps = events.filter((e) => e.name === 'registerPreset' || e.name === 'registerReset');
    expect(jumps.map((e) => e.name)).toEqual(['registerPreset', 'registerReset']);
    expect(events.filter((e) => e.name === 'registerRollover').length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.name === 'meterSwap')).toBe(true);
    // Interval deltas modulo the register size, with each logged jump taken out.
    const modulus = 1_000_000;
    let previous = 0;
    let metered = 0;
    for (const row of meter.profileRows()) {
      metered += (row.importWh - previous + modulus) % modulus;
      previous = row.importWh;
    }
    metered += (regs.importWh - previous + modulus) % modulus;
    let jumpWh = 0;
    for (const e of jumps) {
      const from = Number(e.detail?.fromImportWh);
      jumpWh += (Number(e.detail?.toWh) - from + modulus) % modulus;
    }
    const oracle = integratedWh(meter, T0, end).importWms / 3_600_000;
    expect(Math.abs(metered - jumpWh - oracle)).toBeLessThan(3); // one Wh carry per jump
  });

  it('accumulates nothing while the relay is open and logs the operations', () => {
    const meter = new VirtualMeter(meterSpec({ id: 'e', load: { constantW: 2000 } }), T0);
    meter.operateRelay(T0 + 30 * MIN, 'remote_disconnect');
    expect(meter.registers(T0 + 90 * MIN).importWh).toBe(1000);
    expect(meter.instantaneous(T0 + 90 * MIN).powerW).toBe(0);
    meter.operateRelay(T0 + 90 * MIN, 'remote_reconnect');
    expect(meter.registers(T0 + 120 * MIN).importWh).toBe(2000);
    expect(meter.eventRows().map((e) => e.code)).toEqual([62, 63]);
    const statuses = meter.profileRows().map((r) => r.status);
    expect(statuses).toEqual([0, 0, 0x80, 0x80, 0x80, 0x80, 0, 0]);
  });

  it('keeps maximum demand per 15-minute block and a drifting clock', () => {
    const meter = new VirtualMeter(
      meterSpec({ id: 'f', load: { constantW: 4000 }, clockDriftPpm: 100 }),
      T0,
    );
    meter.injectFault(T0 + 15 * MIN, { kind: 'consumption-spike', params: { factor: 3 } }, 900);
    expect(meter.demandW(T0 + DAY)).toEqual({ lastW: 4000, maxW: 12_000 });
    expect(meter.meterClockMs(T0 + DAY) - (T0 + DAY)).toBe(8640);
    meter.injectFault(T0 + DAY, { kind: 'clock-jump', params: { seconds: -3600 } });
    expect(meter.meterClockMs(T0 + DAY) - (T0 + DAY)).toBe(8640 - 3_600_000);
    expect(
      meter
        .eventRows()
        .slice(-2)
        .map((e) => e.code),
    ).toEqual([4, 5]);
  });

  it('goes silent during a power outage and logs power down and up', () => {
    const meter = new VirtualMeter(meterSpec({ id: 'g', load: { constantW: 1000 } }), T0);
    meter.injectFault(T0 + 60 * MIN, { kind: 'power-outage' }, 1800);
    expect(meter.activeFaults(T0 + 61 * MIN).map((f) => f.kind)).toEqual(['power-outage']);
    expect(meter.registers(T0 + 150 * MIN).importWh).toBe(2000);
    expect(meter.eventRows().map((e) => [e.name, e.simMs - T0])).toEqual([
      ['powerDown', 60 * MIN],
      ['powerUp', 90 * MIN],
    ]);
    expect(meter.activeFaults(T0 + 150 * MIN)).toEqual([]);
  });
});
