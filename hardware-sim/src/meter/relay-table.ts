/**
 * COSEM Disconnect control (interface class 70) as one transition table.
 * States: 0 disconnected, 1 connected, 2 ready_for_reconnection. Transitions a–h and the
 * control modes 0–6 that allow each one follow the Blue Book state diagram of class 70.
 */
export type RelayControlState = 0 | 1 | 2;
export type RelayTrigger =
  | 'remote_disconnect'
  | 'remote_reconnect'
  | 'manual_disconnect'
  | 'manual_reconnect'
  | 'local_disconnect'
  | 'local_reconnect';

export const RELAY_STATE_NAMES = ['disconnected', 'connected', 'ready_for_reconnection'] as const;
export type RelayStateName = (typeof RELAY_STATE_NAMES)[number];

/**
 * The control state for a state name, or undefined for an unknown name.
 * @example relayStateByName('ready_for_reconnection') // 2
 */
export function relayStateByName(name: string): RelayControlState | undefined {
  const state = RELAY_STATE_NAMES.indexOf(name as RelayStateName);
  return state < 0 ? undefined : (state as RelayControlState);
}

export interface RelayTransition {
  id: 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';
  trigger: RelayTrigger;
  from: RelayControlState;
  to: RelayControlState;
  /** Control modes in which this transition is enabled. */
  modes: readonly number[];
}

// biome-ignore format: one transition per line
export const RELAY_TRANSITIONS: readonly RelayTransition[] = [
  { id: 'a', trigger: 'remote_reconnect', from: 0, to: 2, modes: [2, 4, 6] },
  { id: 'b', trigger: 'remote_disconnect', from: 2, to: 0, modes: [1, 2, 3, 4, 5, 6] },
  { id: 'c', trigger: 'remote_disconnect', from: 1, to: 0, modes: [1, 2, 3, 4, 5, 6] },
  { id: 'd', trigger: 'remote_reconnect', from: 0, to: 1, modes: [1, 3, 5] },
  { id: 'e', trigger: 'manual_reconnect', from: 2, to: 1, modes: [1, 2, 3, 4, 5, 6] },
  { id: 'f', trigger: 'manual_disconnect', from: 1, to: 2, modes: [1, 2, 5] },
  { id: 'g', trigger: 'local_disconnect', from: 1, to: 2, modes: [1, 2, 3, 4, 5, 6] },
  { id: 'h', trigger: 'local_reconnect', from: 2, to: 1, modes: [5, 6] },
];

export const RELAY_TRIGGERS: readonly RelayTrigger[] = [
  'remote_disconnect',
  'remote_reconnect',
  'manual_disconnect',
  'manual_reconnect',
  'local_disconnect',
  'local_reconnect',
];

/**
 * The transition a trigger takes from `state` in `mode`, or undefined when the mode does not
 * allow it (the meter then keeps its state, as real meters do).
 *
 * @example relayTransition(1, 2, 'remote_reconnect') // undefined: mode 2 needs state 0 first
 * @example relayTransition(0, 2, 'remote_reconnect')?.to // 2 (ready_for_reconnection)
 */
export function relayTransition(
  state: RelayControlState,
  mode: number,
  trigger: RelayTrigger,
): RelayTransition | undefined {
  return RELAY_TRANSITIONS.find(
    (t) => t.trigger === trigger && t.from === state && t.modes.includes(mode),
  );
}
