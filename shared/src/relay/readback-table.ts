/** COSEM disconnect control (class 70) attribute 3, control_state, by its enum value 0..2. */
export const CONTROL_STATES = ['disconnected', 'connected', 'ready_for_reconnection'] as const;
export type ControlState = (typeof CONTROL_STATES)[number];

/** What the gateway believes after a confirmed command; `armed` waits for the button. */
export type ConfirmedRelayState = 'disconnected' | 'connected' | 'armed';

/** A read-back: output_state always, control_state and control_mode when the meter has them. */
export interface RelayReadBack {
  output: 'open' | 'closed';
  controlState?: ControlState;
  /** Class 70 attribute 4, 0..6. */
  controlMode?: number;
}

export interface ReadBackRow {
  /** Control modes this row covers. */
  modes: readonly number[];
  action: 'open' | 'close';
  /** Each accepted control_state and the relay state it confirms. */
  accepts: Partial<Record<ControlState, ConfirmedRelayState>>;
}

/**
 * Expected read-back per control mode × action (Blue Book class 70 state diagram). Remote
 * disconnect always ends in `disconnected`. Remote reconnect closes the output in modes 1/3/5;
 * in modes 2/4/6 it only arms the meter (ready_for_reconnection, the customer presses the
 * button; an already pressed button shows `connected`). Mode 0 cannot be disconnected.
 */
// biome-ignore format: one row per line
export const READBACK_TABLE: readonly ReadBackRow[] = [
  { modes: [0], action: 'open', accepts: {} },
  { modes: [0], action: 'close', accepts: { connected: 'connected' } },
  { modes: [1, 2, 3, 4, 5, 6], action: 'open', accepts: { disconnected: 'disconnected' } },
  { modes: [1, 3, 5], action: 'close', accepts: { connected: 'connected' } },
  {
    modes: [2, 4, 6],
    action: 'close',
    accepts: { connected: 'connected', ready_for_reconnection: 'armed' },
  },
];

/**
 * Judges a read-back: the confirmed relay state, or null when it does not show the command
 * done. Without control_state/control_mode (a plain relay) the output state decides.
 *
 * @example
 * judgeReadBack('close', { output: 'open', controlState: 'ready_for_reconnection',
 *   controlMode: 2 }) // → 'armed'
 * judgeReadBack('close', { output: 'open', controlState: 'disconnected', controlMode: 2 })
 * // → null
 * judgeReadBack('open', { output: 'open' }) // → 'disconnected'
 */
export function judgeReadBack(
  action: 'open' | 'close',
  read: RelayReadBack,
): ConfirmedRelayState | null {
  if (read.controlState === undefined || read.controlMode === undefined) {
    const want = action === 'open' ? 'open' : 'closed';
    if (read.output !== want) return null;
    return action === 'open' ? 'disconnected' : 'connected';
  }
  const row = READBACK_TABLE.find(
    (r) => r.action === action && r.modes.includes(read.controlMode ?? -1),
  );
  const state = row?.accepts[read.controlState];
  if (state === undefined) return null;
  // output_state must agree: closed exactly when control_state is connected
  const outputClosed = read.controlState === 'connected';
  return (read.output === 'closed') === outputClosed ? state : null;
}
