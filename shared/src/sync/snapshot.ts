import { z } from 'zod';
import {
  accountAssignmentBodySchema,
  checkpointSchema,
  keyRotationBodySchema,
  meterAssignmentBodySchema,
  relayOrderBodySchema,
  tariffVersionBodySchema,
} from './downstream-changes.js';
import {
  currencyCodeSchema,
  epochMsSchema,
  gatewayIdSchema,
  minorUnitsSchema,
  objectIdSchema,
  protocolVersionSchema,
  uuidTextSchema,
} from './primitives.js';

/** Central's balance for an account, and which edge events it already includes. */
export const snapshotBalanceSchema = z.strictObject({
  accountId: objectIdSchema,
  currency: currencyCodeSchema,
  balanceMinor: minorUnitsSchema,
  /** Edge events of `incarnation` with seq ≤ this are counted in balanceMinor. */
  includesEdgeSeqThrough: z.number().int().min(0),
  incarnation: uuidTextSchema.nullable(),
  /** Credits (payments, top-ups: entry id = token id, adjustments) counted in balanceMinor. */
  credits: z.array(z.strictObject({ entryId: uuidTextSchema, amountMinor: minorUnitsSchema })),
});

/**
 * GET /sync/v1/gw/:gw/snapshot: everything a fresh or recovering gateway needs; after
 * applying it the edge continues the change feed from `checkpoint`.
 */
export const snapshotSchema = z.strictObject({
  v: protocolVersionSchema,
  gatewayId: gatewayIdSchema,
  takenAtMs: epochMsSchema,
  checkpoint: checkpointSchema,
  tariffVersions: z.array(tariffVersionBodySchema),
  accounts: z.array(accountAssignmentBodySchema),
  meters: z.array(meterAssignmentBodySchema),
  balances: z.array(snapshotBalanceSchema),
  relayOrders: z.array(relayOrderBodySchema),
  keys: z.array(keyRotationBodySchema),
  /** Token ids already redeemed for this site, so a re-imaged gateway cannot replay them. */
  redeemedTokenIds: z.array(uuidTextSchema),
});
export type Snapshot = z.output<typeof snapshotSchema>;
export type SnapshotWire = z.input<typeof snapshotSchema>;
