import { describe, expect, it } from 'vitest';
import {
  ASSOCIATION_TRANSITIONS,
  type AssociationEvent,
  type AssociationState,
  AssociationStateError,
  nextAssociationState,
} from './association-state.js';

const STATES: AssociationState[] = [
  'idle',
  'awaiting-aare',
  'awaiting-hls',
  'associated',
  'releasing',
  'failed',
];
const EVENTS: AssociationEvent[] = [
  'aarq-sent',
  'aare-accepted',
  'aare-accepted-hls-pending',
  'aare-rejected',
  'hls-verified',
  'hls-failed',
  'request',
  'rlrq-sent',
  'rlre-received',
  'timeout',
  'link-lost',
];

describe('association transition table', () => {
  it('lists only known states and events, each (state, event) at most once', () => {
    const keys = ASSOCIATION_TRANSITIONS.map(([s, e]) => `${s}/${e}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [from, event, to] of ASSOCIATION_TRANSITIONS) {
      expect(STATES).toContain(from);
      expect(STATES).toContain(to);
      expect(EVENTS).toContain(event);
    }
  });

  // One test per cell of STATES × EVENTS, generated from the table.
  for (const state of STATES) {
    for (const event of EVENTS) {
      const row = ASSOCIATION_TRANSITIONS.find(([s, e]) => s === state && e === event);
      const title = row ? `${state} --${event}--> ${row[2]}` : `${state} rejects ${event}`;
      it(title, () => {
        if (row) expect(nextAssociationState(state, event)).toBe(row[2]);
        else expect(() => nextAssociationState(state, event)).toThrow(AssociationStateError);
      });
    }
  }

  it('every state is reachable from idle and can get back to idle', () => {
    const reach = (from: AssociationState) => {
      const seen = new Set([from]);
      for (let changed = true; changed; ) {
        changed = false;
        for (const [s, , t] of ASSOCIATION_TRANSITIONS) {
          if (seen.has(s) && !seen.has(t)) {
            seen.add(t);
            changed = true;
          }
        }
      }
      return seen;
    };
    expect([...reach('idle')].sort()).toEqual([...STATES].sort());
    for (const s of STATES.filter((x) => x !== 'failed')) expect(reach(s).has('idle')).toBe(true);
  });

  it('no service request outside an association', () => {
    for (const s of STATES.filter((x) => x !== 'associated')) {
      expect(() => nextAssociationState(s, 'request')).toThrow(/not allowed/);
    }
  });
});
