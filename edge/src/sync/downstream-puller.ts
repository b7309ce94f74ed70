import type { KeyObject } from 'node:crypto';
import { changeFeedPageSchema, signSyncRequest } from '@gridbill/shared/sync';
import type { Engine } from '../engine/engine.js';
import { type ApplyOutcome, applyChange } from './apply-change.js';
import { ensureInboxTables, readCheckpoint, writeCheckpoint } from './inbox.js';

export interface PullerOptions {
  engine: Engine;
  gatewayId: string;
  keyId: string;
  privateKey: KeyObject;
  baseUrl: () => string;
  pageSize?: number;
  timeoutMs?: number;
  /** Stamps signed requests (host time); defaults to the engine's clock. */
  requestClock?: { wallMs(): number };
}

export interface PullResult {
  pages: number;
  outcomes: Record<ApplyOutcome, number>;
  checkpoint: { feedEpoch: string; cseq: number } | null;
}

/**
 * Pulls the change feed from the stored checkpoint until `hasMore` is false, applying each
 * change with its inbox row and checkpoint in one transaction (a crash mid-page resumes after
 * the last applied change). A page from another epoch restarts from that epoch's beginning;
 * the inbox and the entry-id rule make the replay a no-op.
 * Example: feed with 3 changes, empty inbox → { pages: 1, outcomes: { applied: 3, … } }.
 */
export function createDownstreamPuller(o: PullerOptions) {
  const db = o.engine.deps.db;
  ensureInboxTables(db);
  const pageSize = o.pageSize ?? 500;

  async function fetchPage(epoch: string | null, after: number): Promise<unknown> {
    const query = `${epoch ? `epoch=${encodeURIComponent(epoch)}&` : ''}after=${after}`;
    const path = `/sync/v1/gw/${o.gatewayId}/changes?${query}&limit=${pageSize}`;
    const headers = signSyncRequest(
      { method: 'GET', pathAndQuery: path, body: '' },
      {
        gatewayId: o.gatewayId,
        keyId: o.keyId,
        privateKey: o.privateKey,
        timeMs: (o.requestClock ?? o.engine.deps.clock).wallMs(),
      },
    );
    const res = await fetch(`${o.baseUrl()}${path}`, {
      headers,
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`change feed answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  async function pull(maxPages = 1000): Promise<PullResult> {
    const outcomes: PullResult['outcomes'] = {
      applied: 0,
      duplicate: 0,
      'already-credited': 0,
      ignored: 0,
    };
    let pages = 0;
    for (; pages < maxPages; ) {
      const local = readCheckpoint(db);
      const page = changeFeedPageSchema.parse(
        await fetchPage(local?.feedEpoch ?? null, local?.cseq ?? 0),
      );
      pages += 1;
      if (page.gatewayId !== o.gatewayId) throw new Error(`feed page for ${page.gatewayId}`);
      const epoch = page.checkpoint.feedEpoch;
      for (const change of page.changes) {
        const outcome = applyChange(o.engine, change, { feedEpoch: epoch, cseq: change.cseq });
        outcomes[outcome] += 1;
      }
      if (page.changes.length === 0 && local?.feedEpoch !== epoch) {
        writeCheckpoint(db, page.checkpoint);
      }
      if (!page.hasMore) break;
    }
    return { pages, outcomes, checkpoint: readCheckpoint(db) };
  }

  return { pull };
}

export type DownstreamPuller = ReturnType<typeof createDownstreamPuller>;
