import { describe, expect, it } from 'vitest';
import { ownershipViolation } from './event-ownership.js';
import { exampleBatch } from './example-documents.js';
import { upstreamBatchSchema } from './upstream-batch.js';

const [interval, charge, redemption] = upstreamBatchSchema.parse(exampleBatch).events;
const scope = (meters: string[], accounts: string[]) => ({
  ownsMeter: (id: string) => meters.includes(id),
  ownsAccount: (id: string) => accounts.includes(id),
});

describe('ownershipViolation', () => {
  it('accepts events about the gateway’s own meters and accounts', () => {
    const own = scope(['m-000123'], ['acc-5521']);
    for (const event of [interval!, charge!, redemption!]) {
      expect(ownershipViolation('gw-kisumu-01', event, own)).toBeNull();
    }
  });

  it('names the foreign meter or account', () => {
    expect(ownershipViolation('gw-kisumu-01', interval!, scope([], ['acc-5521']))).toBe(
      'seq 41 (interval): meter m-000123 is not assigned to gateway gw-kisumu-01',
    );
    expect(ownershipViolation('gw-kisumu-01', charge!, scope(['m-000123'], []))).toBe(
      'seq 42 (charge): account acc-5521 is not served by gateway gw-kisumu-01',
    );
    expect(ownershipViolation('gw-kisumu-01', redemption!, scope(['m-000123'], []))).toBe(
      'seq 43 (token-redemption): account acc-5521 is not served by gateway gw-kisumu-01',
    );
  });
});
