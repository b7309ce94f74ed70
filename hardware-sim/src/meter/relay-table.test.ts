import { describe, expect, it } from 'vitest';
import {
  RELAY_TRANSITIONS,
  RELAY_TRIGGERS,
  type RelayControlState,
  relayStateByName,
  relayTransition,
} from './relay-table.js';
import { meterSpec } from './meter-spec.js';
import { VirtualMeter } from './virtual-meter.js';

const STATES: RelayControlState[] = [0, 1, 2];
const MODES = [0, 1, 2, 3, 4, 5, 6];
const T0 = Date.UTC(2026, 0, 5);

// Every (mode, state, trigger) combination, expected result read from the table itself.
const cases = MODES.flatMap((mode) =>
  STATES.flatMap((from) =>
    RELAY_TRIGGERS.map((trigger) => {
      const row = RELAY_TRANSITIONS.find(
        (t) => t.trigger === trigger && t.from === from && t.modes.includes(mode),
      );
      return { mode, from, trigger, to: row?.to };
    }),
  ),
);

describe('class 70 transition table drives the meter', () => {
  it.each(cases.filter((c) => c.mode !== 0 || c.from === 1))(
    'mode $mode: $trigger from $from → $to',
    ({ mode, from, trigger, to }) => {
      const meter = new VirtualMeter(
        meterSpec({ id: 'r', relay: { controlMode: mode, controlState: from } }),
        T0,
      );
      const before = meter.eventRows().length;
      const result = meter.operateRelay(T0 + 1000, trigger);
      const view = meter.relayView(T0 + 1000);
      if (to === undefined) {
        expect(result.ok).toBe(false);
        expect(view.controlState).toBe(from);
        expect(meter.eventRows().length).toBe(before);
      } else {
        expect(result.ok).toBe(true);
        expect(view.controlState).toBe(to);
        expect(view.outputState).toBe(to === 1);
        expect(meter.eventRows().length).toBe(before + 1);
      }
    },
  );

  it('matches the Blue Book: mode 0 never disconnects; mode 2 reconnects via the button', () => {
    for (const t of RELAY_TRIGGERS) expect(relayTransition(1, 0, t)).toBeUndefined();
    expect(relayTransition(0, 2, 'remote_reconnect')?.to).toBe(2);
    expect(relayTransition(2, 2, 'manual_reconnect')?.to).toBe(1);
    expect(relayTransition(0, 1, 'remote_reconnect')?.to).toBe(1);
    expect(relayTransition(1, 3, 'manual_disconnect')).toBeUndefined();
    expect(relayStateByName('ready_for_reconnection')).toBe(2);
    expect(relayStateByName('open')).toBeUndefined();
  });

  it('a stuck relay acknowledges (control state moves) but the output does not switch', () => {
    const meter = new VirtualMeter(meterSpec({ id: 's', load: { constantW: 1200 } }), T0);
    meter.injectFault(T0, { kind: 'stuck-relay' }, 3600);
    const r = meter.operateRelay(T0 + 60_000, 'remote_disconnect');
    expect(r).toMatchObject({ ok: true, relay: { controlState: 0, outputState: true } });
    expect(meter.eventRows().at(-1)?.name).toBe('relayFailure');
    expect(meter.registers(T0 + 3_660_000).importWh).toBe(1220);
  });
});
