import { describe, expect, it } from 'vitest';
import { type ControlState, judgeReadBack, READBACK_TABLE } from './readback-table.js';

const states: ControlState[] = ['disconnected', 'connected', 'ready_for_reconnection'];

describe('READBACK_TABLE (tests generated from the table)', () => {
  it('covers every control mode 0..6 for both actions exactly once', () => {
    for (let mode = 0; mode <= 6; mode++)
      for (const action of ['open', 'close'] as const)
        expect(
          READBACK_TABLE.filter((r) => r.action === action && r.modes.includes(mode)),
        ).toHaveLength(1);
  });

  READBACK_TABLE.forEach((row, index) => {
    const accepts = Object.keys(row.accepts);
    it(`row ${index}: ${row.action} in modes ${row.modes} accepts ${accepts}`, () => {
      for (const controlMode of row.modes)
        for (const controlState of states) {
          const output = controlState === 'connected' ? 'closed' : 'open';
          const got = judgeReadBack(row.action, { output, controlState, controlMode });
          expect(got).toBe(row.accepts[controlState] ?? null);
        }
    });
  });

  it('refuses a read-back whose output_state contradicts control_state', () => {
    const read = {
      output: 'closed',
      controlState: 'ready_for_reconnection',
      controlMode: 2,
    } as const;
    expect(judgeReadBack('close', read)).toBeNull();
    expect(
      judgeReadBack('open', { output: 'closed', controlState: 'disconnected', controlMode: 1 }),
    ).toBeNull();
  });

  it('judges a plain relay (no control state) by its output', () => {
    expect(judgeReadBack('open', { output: 'open' })).toBe('disconnected');
    expect(judgeReadBack('close', { output: 'closed' })).toBe('connected');
    expect(judgeReadBack('close', { output: 'open' })).toBeNull();
  });

  it('mode 2 reconnect is armed, mode 1 reconnect is not accepted while disconnected', () => {
    const armed = { output: 'open', controlState: 'ready_for_reconnection' } as const;
    expect(judgeReadBack('close', { ...armed, controlMode: 2 })).toBe('armed');
    expect(judgeReadBack('close', { ...armed, controlMode: 1 })).toBeNull();
  });
});
