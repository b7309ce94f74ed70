/**
 * The DLMS/COSEM association state machine as one transition table (client and server view).
 *
 * Example: `nextAssociationState('idle', 'aarq-sent')` → 'awaiting-aare';
 * `nextAssociationState('idle', 'request')` throws (no association).
 */
export type AssociationState =
  | 'idle'
  | 'awaiting-aare'
  | 'awaiting-hls'
  | 'associated'
  | 'releasing'
  | 'failed';

export type AssociationEvent =
  | 'aarq-sent'
  | 'aare-accepted'
  | 'aare-accepted-hls-pending'
  | 'aare-rejected'
  | 'hls-verified'
  | 'hls-failed'
  | 'request'
  | 'rlrq-sent'
  | 'rlre-received'
  | 'timeout'
  | 'link-lost';

/** [from, event, to]. Anything not listed is an invalid transition. */
export const ASSOCIATION_TRANSITIONS: readonly [
  AssociationState,
  AssociationEvent,
  AssociationState,
][] = [
  ['idle', 'aarq-sent', 'awaiting-aare'],
  ['failed', 'aarq-sent', 'awaiting-aare'],
  ['awaiting-aare', 'aare-accepted', 'associated'],
  ['awaiting-aare', 'aare-accepted-hls-pending', 'awaiting-hls'],
  ['awaiting-aare', 'aare-rejected', 'failed'],
  ['awaiting-aare', 'timeout', 'failed'],
  ['awaiting-aare', 'link-lost', 'failed'],
  ['awaiting-hls', 'hls-verified', 'associated'],
  ['awaiting-hls', 'hls-failed', 'failed'],
  ['awaiting-hls', 'timeout', 'failed'],
  ['awaiting-hls', 'link-lost', 'failed'],
  ['associated', 'request', 'associated'],
  ['associated', 'timeout', 'associated'],
  ['associated', 'rlrq-sent', 'releasing'],
  ['associated', 'link-lost', 'idle'],
  ['releasing', 'rlre-received', 'idle'],
  ['releasing', 'timeout', 'idle'],
  ['releasing', 'link-lost', 'idle'],
];

export class AssociationStateError extends Error {
  constructor(
    readonly state: AssociationState,
    readonly event: AssociationEvent,
  ) {
    super(`association: event '${event}' is not allowed in state '${state}'`);
    this.name = 'AssociationStateError';
  }
}

export function nextAssociationState(
  state: AssociationState,
  event: AssociationEvent,
): AssociationState {
  const row = ASSOCIATION_TRANSITIONS.find(([from, ev]) => from === state && ev === event);
  if (!row) throw new AssociationStateError(state, event);
  return row[2];
}
