import type { KeyObject } from 'node:crypto';
import {
  changeFeedPageSchema,
  compareCheckpoint,
  type Snapshot,
  signSyncRequest,
  snapshotSchema,
} from '@gridbill/shared/sync';
import type { Engine } from '../engine/engine.js';
import { raiseAlarm } from '../engine/events.js';
import { type ApplyHooks, type ApplyOutcome, applyChange } from './apply-change.js';
import { applyFullSnapshot, seedLearnedAccounts, snapshotIsStale } from './apply-snapshot.js';
import { ensureInboxTables, pendingSeeds, readCheckpoint } from './inbox.js';

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
  /** After-commit hooks (the daemon rebuilds its rater when a tariff version arrives). */
  hooks?: ApplyHooks;
}

export interface PullResult {
  pages: number;
  /** Snapshots applied: first start or a rebuilt feed ('full'), balance seeds ('seed'). */
  snapshots: { full: number; seed: number };
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
    return signedGet(`/sync/v1/gw/${o.gatewayId}/changes?${query}&limit=${pageSize}`);
  }

  /** The snapshot, fetched again (up to 3 times) if an ack pruned rows it does not count. */
  async function fetchSnapshot(): Promise<Snapshot> {
    for (let attempt = 1; ; attempt += 1) {
      const snap = snapshotSchema.parse(await signedGet(`/sync/v1/gw/${o.gatewayId}/snapshot`));
      if (snap.gatewayId !== o.gatewayId) throw new Error(`snapshot for ${snap.gatewayId}`);
      if (!snapshotIsStale(o.engine, snap) || attempt >= 3) return snap;
    }
  }

  async function signedGet(path: string): Promise<unknown> {
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
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  async function pull(maxPages = 1000): Promise<PullResult> {
    const outcomes: PullResult['outcomes'] = {
      applied: 0,
      duplicate: 0,
      'already-credited': 0,
      ignored: 0,
      rejected: 0,
    };
    const snapshots = { full: 0, seed: 0 };
    const full = async (why: string) => {
      const result = applyFullSnapshot(o.engine, await fetchSnapshot());
      o.engine.deps.logger.info({ why, ...result }, 'snapshot applied');
      snapshots.full += 1;
      if (result.tariffVersions > 0) o.hooks?.tariffsChanged?.();
    };
    if (readCheckpoint(db) === null) await full('first start');
    let pages = 0;
    for (; pages < maxPages; ) {
      const local = readCheckpoint(db);
      const page = changeFeedPageSchema.parse(
        await fetchPage(local?.feedEpoch ?? null, local?.cseq ?? 0),
      );
      pages += 1;
      if (page.gatewayId !== o.gatewayId) throw new Error(`feed page for ${page.gatewayId}`);
      const epoch = page.checkpoint.feedEpoch;
      if (local === null || local.feedEpoch !== epoch) {
        await full(`feed epoch ${local?.feedEpoch ?? 'none'} → ${epoch}`);
        continue;
      }
      if (compareCheckpoint(local, page.checkpoint) === 'ahead') {
        feedAhead(o.engine, local.cseq, page.checkpoint.cseq);
        await full(`checkpoint ${local.cseq} ahead of central's ${page.checkpoint.cseq}`);
        continue;
      }
      for (const change of page.changes) {
        const checkpoint = { feedEpoch: epoch, cseq: change.cseq };
        outcomes[applyChange(o.engine, change, checkpoint, o.hooks)] += 1;
      }
      if (!page.hasMore) break;
    }
    const learned = pendingSeeds(db);
    if (learned.length > 0) {
      seedLearnedAccounts(o.engine, await fetchSnapshot(), new Set(learned));
      snapshots.seed += 1;
    }
    return { pages, snapshots, outcomes, checkpoint: readCheckpoint(db) };
  }

  return { pull };
}

export type DownstreamPuller = ReturnType<typeof createDownstreamPuller>;

/** Central issued fewer changes than the gateway applied: it was restored from a backup. */
function feedAhead(engine: Engine, localCseq: number, centralCseq: number): void {
  engine.transact(() =>
    raiseAlarm(engine, {
      code: 'feed-checkpoint-ahead',
      severity: 'critical',
      meterId: null,
      message: `gateway applied change ${localCseq}, central's feed ends at ${centralCseq}`,
      key: [localCseq, centralCseq],
    }),
  );
}
