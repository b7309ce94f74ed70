import type { RelayOrderBodyWire } from './feed-types.js';

/** What a listener hears after a commit that appended to a gateway's feed. */
export interface FeedAppended {
  gatewayId: string;
  checkpoint: { feedEpoch: string; cseq: number };
  /** Set when the change is a staff relay order (sent on MQTT for low latency too). */
  relayOrder?: RelayOrderBodyWire;
}

export type FeedListener = (event: FeedAppended) => void;

const listeners = new WeakMap<object, Set<FeedListener>>();

/**
 * Subscribes to feed appends of one app context (the MQTT hint publisher does). Returns the
 * unsubscribe function. Example: const off = onFeedAppended(ctx, (e) => hint(e.gatewayId)).
 */
export function onFeedAppended(ctx: object, listener: FeedListener): () => void {
  const set = listeners.get(ctx) ?? new Set<FeedListener>();
  listeners.set(ctx, set);
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells the listeners of `ctx`, after the commit; a throwing listener is ignored. */
export function feedAppended(ctx: object, event: FeedAppended): void {
  for (const listener of listeners.get(ctx) ?? []) {
    try {
      listener(event);
    } catch {
      // hints are best effort: the gateway also pulls on its timer
    }
  }
}
