import type { Engine } from '../engine/index.js';
import { openCommands } from '../engine/index.js';

export interface GatewayStatus {
  gatewayId: string;
  incarnationId: string;
  safeMode: boolean;
  safeModeReason: string | null;
  /** Each cause with its reason and since when (wall ms). */
  safeModeCauses: { cause: string; reason: string; sinceWallMs: number }[];
  clockTrusted: boolean;
  outbox: { lastSeq: number; ackedSeq: number; lag: number };
  meters: {
    id: string;
    accountId: string;
    lastReadMs: number | null;
    lastValueWh: number | null;
    relayPhase: string;
    alert: string;
  }[];
  balances: { accountId: string; balanceMinor: string; mode: string }[];
  pendingCommands: {
    id: string;
    meterId: string;
    action: string;
    status: string;
    attempts: number;
  }[];
}

/**
 * The status document served at /api/status and printed by `gridbill-edge status`.
 *
 * @example
 * buildStatus(engine, 'inc-1').outbox // → { lastSeq: 42, ackedSeq: 40, lag: 2 }
 */
export function buildStatus(engine: Engine, incarnationId: string): GatewayStatus {
  const lastSeq = engine.outbox.lastSeq();
  const ackedSeq = engine.outbox.ackedSeq();
  return {
    gatewayId: engine.deps.config.gatewayId,
    incarnationId,
    safeMode: engine.safeMode,
    safeModeReason: engine.safeModeReason,
    safeModeCauses: engine.safe.causes(),
    clockTrusted: engine.deps.clockTrusted(),
    outbox: { lastSeq, ackedSeq, lag: lastSeq - ackedSeq },
    meters: [...engine.meters.values()].map(({ config }) => {
      const vee = engine.vee.get(config.id);
      const relay = engine.relays.get(config.id);
      return {
        id: config.id,
        accountId: config.accountId,
        lastReadMs: vee?.lastCaptureMs ?? null,
        lastValueWh: vee?.lastValueWh ?? null,
        relayPhase: relay?.policy.phase ?? 'CONNECTED',
        alert: relay?.alert ?? 'none',
      };
    }),
    balances: [...engine.accounts.values()].map((a) => ({
      accountId: a.id,
      balanceMinor: engine.balanceOf(a.id).toString(),
      mode: a.mode,
    })),
    pendingCommands: openCommands(engine).map(({ id, meterId, action, status, attempts }) => ({
      id,
      meterId,
      action,
      status,
      attempts,
    })),
  };
}
