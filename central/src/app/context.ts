import type { Clock } from '@gridbill/shared/clock';
import type { RandomSource } from '@gridbill/shared/ids';
import type { TokenKeyPair } from '@gridbill/shared/token';
import type { Logger } from 'pino';
import type { PaymentQueue } from '../payments/payment-queue.js';
import type { Committer } from '../store/committer.js';
import type { Store } from '../store/store.js';

/** Everything a request handler needs; built once by `createApp`, injected for tests. */
export interface AppContext {
  store: Store;
  committer: Committer;
  /** The one way payments are posted (batched, idempotent). */
  payments: PaymentQueue;
  clock: Clock;
  random: RandomSource;
  newId: () => string;
  tokenKey: TokenKeyPair;
  logger: Logger;
  /** Check every 2xx API body against its declared response schema (tests turn this on). */
  checkResponses?: boolean;
  /** The utility's IANA time zone: local days for cashier closes (default UTC). */
  timeZone: string;
  /** Validity of offline top-up tokens, default 30 days. */
  tokenLifetimeMs: number;
}
