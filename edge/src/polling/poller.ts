import { checkClockSkew } from '@gridbill/shared/vee';
import type { MeterConfig } from '../config/index.js';
import {
  type Engine,
  type IngestSummary,
  ingestReadings,
  type PolledReading,
  raiseAlarm,
  type RelayDriver,
} from '../engine/index.js';
import { projectedBalanceMinor } from '../engine/relay-policy.js';
import type { MeterLink } from './meter-link.js';

/** A meter plus the way to reach it: its bus queue (RS-485) or the TCP concurrency limit. */
export interface PollTarget {
  meter: MeterConfig;
  link: MeterLink;
  run<T>(task: () => Promise<T>, priority: 'high' | 'normal'): Promise<T>;
}

export interface PollStats {
  reads: number;
  failures: number;
  profileRows: number;
}

/**
 * Polls meters and feeds one transaction per cycle. A meter that fails is logged and skipped
 * (the rest of the cycle goes on); DLMS meters behind by more than 1.5 intervals catch up from
 * their load profile by time range before the snapshot.
 */
export class Poller {
  readonly stats: PollStats = { reads: 0, failures: 0, profileRows: 0 };
  private readonly unreachable = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly targets: Map<string, PollTarget>,
    private readonly afterCommit: () => void = () => {},
  ) {}

  /** One poll cycle over the given meters (default: all). */
  async pollCycle(meterIds: Iterable<string> = this.targets.keys()): Promise<IngestSummary> {
    const batches = await Promise.all([...meterIds].map((id) => this.collect(id)));
    const summary = ingestReadings(this.engine, batches.flat());
    this.afterCommit();
    return summary;
  }

  /** Meters of enforced accounts whose projected balance is at or below the warn level. */
  nearThresholdMeters(): string[] {
    const warn = this.engine.deps.config.relayPolicy.warnMinor;
    return [...this.targets.keys()].filter((id) => {
      const account = this.engine.meters.get(id)?.config.accountId;
      const mode = account ? this.engine.accounts.get(account)?.mode : undefined;
      return account && mode !== 'postpaid' && projectedBalanceMinor(this.engine, account) <= warn;
    });
  }

  /** Reads every meter's clock and raises an alarm for skew beyond the configured limit. */
  async clockCheck(): Promise<void> {
    const maxSkewMs = this.engine.deps.config.maxClockSkewSeconds * 1000;
    for (const [id, t] of this.targets) {
      const read = await t.run(() => t.link.readEnergy(), 'normal').catch(() => undefined);
      if (read?.meterClockMs === undefined) continue;
      const check = checkClockSkew(read.meterClockMs, this.engine.time(), maxSkewMs);
      if (check.kind !== 'skewed') continue;
      this.engine.transact(() =>
        raiseAlarm(this.engine, {
          code: 'meter-clock-skew',
          severity: 'warning',
          meterId: id,
          message: `meter clock is ${Math.round(check.skewMs / 1000)} s off the gateway`,
          key: [id, Math.floor(this.engine.deps.clock.wallMs() / 3_600_000)],
        }),
      );
    }
  }

  /** Relay commands go to the meter through its queue, ahead of queued reads. */
  relayDriver(): RelayDriver {
    const target = (id: string) => {
      const t = this.targets.get(id);
      if (!t) throw new Error(`no link to meter "${id}"`);
      return t;
    };
    return {
      switchRelay: (id, action) => {
        const t = target(id);
        return t.run(() => t.link.switchRelay(action), 'high');
      },
      readRelay: (id) => {
        const t = target(id);
        return t.run(() => t.link.readRelay(), 'high');
      },
      readRelayStatus: (id) => {
        const t = target(id);
        const link = t.link;
        return t.run(
          () => link.readRelayStatus?.() ?? link.readRelay().then((output) => ({ output })),
          'high',
        );
      },
    };
  }

  private async collect(meterId: string): Promise<PolledReading[]> {
    const t = this.targets.get(meterId);
    if (!t) return [];
    try {
      const out = await this.catchUp(t);
      const read = await t.run(() => t.link.readEnergy(), 'normal');
      const captureMs = this.engine.deps.clock.wallMs();
      out.push({ meterId, register: 'importWh', captureMs, ...read, source: 'snapshot' });
      this.stats.reads += 1;
      this.unreachable.delete(meterId);
      return out.map(({ meterId: m, register, captureMs: c, valueWh, serial, source }) => ({
        meterId: m,
        register,
        captureMs: c,
        valueWh,
        serial,
        source,
      }));
    } catch (err) {
      this.noteFailure(meterId, err);
      return [];
    }
  }

  private async catchUp(t: PollTarget): Promise<PolledReading[]> {
    const readProfile = t.link.readProfile;
    const vee = this.engine.vee.get(t.meter.id);
    const now = this.engine.deps.clock.wallMs();
    const stepMs = t.meter.intervalSeconds * 1000;
    if (!readProfile || !vee || now - vee.lastCaptureMs < 1.5 * stepMs) return [];
    const rows = await t.run(
      () => readProfile.call(t.link, vee.lastCaptureMs + stepMs, now),
      'normal',
    );
    this.stats.profileRows += rows.length;
    return rows.map((r) => ({
      meterId: t.meter.id,
      register: 'importWh',
      captureMs: r.captureMs,
      valueWh: r.valueWh,
      serial: vee.serial,
      source: 'profile' as const,
    }));
  }

  private noteFailure(meterId: string, err: unknown): void {
    this.stats.failures += 1;
    const message = err instanceof Error ? err.message : String(err);
    this.engine.deps.logger.error({ meterId, err: message }, `poll of ${meterId} failed`);
    if (this.unreachable.has(meterId)) return;
    this.unreachable.add(meterId);
    this.engine.transact(() =>
      raiseAlarm(this.engine, {
        code: 'meter-unreachable',
        severity: 'warning',
        meterId,
        message: message.slice(0, 300),
        key: [meterId, this.engine.deps.clock.wallMs()],
      }),
    );
  }
}
