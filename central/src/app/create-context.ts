import type { Clock } from '@gridbill/shared/clock';
import { createUuidV7, type RandomSource } from '@gridbill/shared/ids';
import { assertTimeZone } from '@gridbill/shared/time';
import type { TokenKeyPair } from '@gridbill/shared/token';
import { type Logger, pino } from 'pino';
import { createPaymentQueue } from '../payments/payment-queue.js';
import { createCommitter } from '../store/committer.js';
import type { Store } from '../store/store.js';
import type { AppContext } from './context.js';

export interface ContextOptions {
  store: Store;
  clock: Clock;
  random: RandomSource;
  tokenKey: TokenKeyPair;
  logger?: Logger;
  tokenLifetimeMs?: number;
  maxBatch?: number;
  /** The utility's IANA time zone (cashier closes by local day); default UTC. */
  timeZone?: string;
}

/** Wires a context from injected parts (tests pass a ManualClock and a seeded random). */
export function createContext(o: ContextOptions): AppContext {
  const timeZone = o.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const ctx: AppContext = {
    store: o.store,
    committer: createCommitter(o.store.db, o.maxBatch),
    clock: o.clock,
    random: o.random,
    newId: createUuidV7(o.clock, o.random),
    tokenKey: o.tokenKey,
    logger: o.logger ?? pino({ level: 'silent' }),
    tokenLifetimeMs: o.tokenLifetimeMs ?? 30 * 86_400_000,
    timeZone,
    payments: createPaymentQueue(() => ctx),
  };
  return ctx;
}
