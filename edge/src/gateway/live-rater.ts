import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { standingChargesOfDay } from '@gridbill/shared/tariff';
import type { IntervalRater } from '../engine/rater.js';
import type { StandingChargeSource } from '../engine/standing-charges.js';
import { createTariffRater } from '../engine/tariff-rater.js';
import { loadTariffs } from './load-tariffs.js';
import { storedTariffVersions } from './tariff-store.js';

export interface LiveRater extends IntervalRater {
  /** Recompiles the configured files plus the versions stored from central. */
  reload(): void;
  /** Standing charges of a tariff for one local day, from the same versions. */
  standingCharges: StandingChargeSource;
}

/**
 * The gateway's rater over the tariff files and the versions central delivered; `reload()`
 * after a tariff-version change makes rating use it from its effective date (the running
 * rating state is persisted per meter, so a rebuilt rater continues it). A version that does
 * not compile keeps the previous rater and is logged.
 * Example: reload() after storing 'tv-2027' → versionFor('t', 2027-01-01) === 'tv-2027'.
 */
export function createLiveRater(
  files: readonly string[],
  timeZone: string,
  db: Database,
  logger: Pick<Logger, 'warn' | 'info'>,
): LiveRater {
  const build = () => {
    const tariffs = loadTariffs(files, timeZone, storedTariffVersions(db));
    return { rater: createTariffRater(tariffs), tariffs };
  };
  let current = build();
  return {
    versionFor: (tariffId, startMs) => current.rater.versionFor(tariffId, startMs),
    initialState: (ctx, startMs) => current.rater.initialState(ctx, startMs),
    rate: (ctx, state, input) => current.rater.rate(ctx, state, input),
    standingCharges: (tariffId, dateKey) => {
      const versions = current.tariffs.get(tariffId);
      return versions ? standingChargesOfDay(versions, dateKey) : undefined;
    },
    reload() {
      try {
        current = build();
        logger.info('tariffs reloaded');
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'tariff reload failed: previous tariffs kept');
      }
    },
  };
}
