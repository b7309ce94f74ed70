import { CONTROL_STATES, judgeReadBack } from '@gridbill/shared/relay';
import { describe, expect, it } from 'vitest';

/**
 * The gateway's expected read-back table against the simulator's class 70 transition table
 * (Blue Book state diagram, hardware-sim/src/meter/relay-table.ts): every remote command the
 * meter carries out is judged done, and a meter that did not move is judged not done.
 */
type Transition = (state: number, mode: number, trigger: string) => { to: number } | undefined;

async function simTransition(): Promise<Transition> {
  const url = new URL('../../../hardware-sim/src/meter/relay-table.ts', import.meta.url);
  return (await import(url.href)).relayTransition as Transition;
}

function read(state: number, mode: number) {
  const controlState = CONTROL_STATES[state];
  if (!controlState) throw new Error(`state ${state}`);
  return { output: state === 1 ? 'closed' : 'open', controlState, controlMode: mode } as const;
}

describe('READBACK_TABLE agrees with the simulator class 70 table', () => {
  it('judges every executed remote command done and every ignored one not done', async () => {
    const transition = await simTransition();
    for (let mode = 0; mode <= 6; mode++) {
      const cases = [
        { action: 'open', trigger: 'remote_disconnect', from: 1 },
        { action: 'close', trigger: 'remote_reconnect', from: 0 },
      ] as const;
      for (const c of cases) {
        const t = transition(c.from, mode, c.trigger);
        const verdict = judgeReadBack(c.action, read(t ? t.to : c.from, mode));
        expect([mode, c.action, verdict !== null]).toEqual([mode, c.action, t !== undefined]);
      }
    }
  });
});
