import { ALLOCATION_RULES, DEBT_CATEGORIES, REVERSAL_REASONS } from '@gridbill/shared/ledger';
import { z } from 'zod';
import { CHANNELS } from '../payments/channels.js';
import { ACCOUNT_MODES } from '../records/accounts.js';
import { ROLES } from '../staff/roles.js';

/**
 * Money in minor units: a positive JSON integer (≤ 2^53-1) or a decimal digit string (for
 * larger values). Floats, negatives, zero, exponents and numeric strings with signs fail.
 *
 * @example moneyMinor.parse(1500) === 1500n; moneyMinor.parse('1500') === 1500n
 * @example moneyMinor.parse(15.5)  // throws: "amount must be an integer number of minor units"
 */
export const moneyMinor = z
  .union([
    z.int('amount must be an integer number of minor units').positive('amount must be positive'),
    z.string().regex(/^[1-9][0-9]{0,17}$/, 'amount must be positive whole minor units'),
  ])
  .transform((v) => BigInt(v));

/** Like `moneyMinor` but zero is allowed (declared cash at a close). */
export const moneyMinorOrZero = z
  .union([z.int().nonnegative(), z.string().regex(/^(0|[1-9][0-9]{0,17})$/)])
  .transform((v) => BigInt(v));

const text = (max: number) => z.string().trim().min(1).max(max);
const epochMs = z.int().nonnegative().max(8_640_000_000_000_000);
const currency = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code like KES');
const auditPart = { reason: text(200).optional(), comment: z.string().max(2000).optional() };

export const signInBody = z.strictObject({
  username: text(40),
  password: z.string().min(1).max(200),
});

export const userBody = z.strictObject({
  username: text(40),
  displayName: text(120),
  role: z.enum(ROLES),
  password: z.string().min(10).max(200),
  ...auditPart,
});

export const customerBody = z.strictObject({
  name: text(200),
  phone: z.string().max(40).default(''),
  email: z.union([z.email(), z.literal('')]).default(''),
  ...auditPart,
});

export const premiseBody = z.strictObject({
  customerId: text(64),
  address: text(400),
  timeZone: text(64).refine(
    (tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC',
    'unknown IANA time zone',
  ),
  ...auditPart,
});

export const servicePointBody = z.strictObject({
  premiseId: text(64),
  kind: z.enum(['electricity']).default('electricity'),
  ...auditPart,
});

export const meterBody = z.strictObject({ serial: text(64), model: text(120), ...auditPart });

const readWh = z
  .union([z.int().nonnegative(), z.string().regex(/^(0|[1-9][0-9]{0,17})$/)])
  .transform((v) => BigInt(v));

export const installBody = z.strictObject({
  servicePointId: text(64),
  atMs: epochMs,
  readWh,
  ...auditPart,
});
export const removeBody = z.strictObject({ atMs: epochMs, finalReadWh: readWh, ...auditPart });
export const exchangeBody = z.strictObject({
  newMeterId: text(64),
  atMs: epochMs,
  finalReadWh: readWh,
  initialReadWh: readWh,
  ...auditPart,
});

export const accountBody = z.strictObject({
  number: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, 'account number is 1..32 of [A-Za-z0-9-]'),
  customerId: text(64),
  premiseId: text(64).nullable().default(null),
  currency,
  mode: z.enum(ACCOUNT_MODES),
  allocationRule: z.enum(ALLOCATION_RULES).default('oldest-first'),
  ...auditPart,
});

export const modeBody = z.strictObject({
  mode: z.enum(ACCOUNT_MODES),
  effectiveAtMs: epochMs,
  reason: text(200),
  comment: z.string().max(2000).optional(),
});

export const chargeBody = z.strictObject({
  category: z.enum(DEBT_CATEGORIES),
  component: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/),
  amountMinor: moneyMinor,
  effectiveAtMs: epochMs.optional(),
  reference: z.string().regex(/^[A-Za-z0-9._:-]{1,120}$/),
  reason: text(200),
  comment: z.string().max(2000).optional(),
});

export const gatewayBody = z.strictObject({ id: text(64), name: text(120), ...auditPart });
export const assignBody = z.strictObject({ meterId: text(64), ...auditPart });

export const paymentBody = z.strictObject({
  channel: z.enum(CHANNELS),
  provider: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, 'provider is 1..40 of [a-z0-9-]')
    .default('cash'),
  providerTxnId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,120}$/, 'providerTxnId is 1..120 of [A-Za-z0-9._:-]')
    .optional(),
  accountNumber: text(64).nullable().default(null),
  amountMinor: moneyMinor,
  currency,
  receivedAtMs: epochMs.optional(),
  ...auditPart,
});

/** Up to 500 payments in one request (bank files, aggregators); each has its own key. */
export const paymentBatchBody = z.strictObject({
  items: z
    .array(
      paymentBody.extend({
        idempotencyKey: z
          .string()
          .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'idempotencyKey is 8..128 of [A-Za-z0-9._:-]'),
      }),
    )
    .min(1)
    .max(500),
});

export const reversalBody = z.strictObject({
  reasonCode: z.enum(REVERSAL_REASONS),
  reason: text(200).optional(),
  comment: z.string().max(2000).optional(),
});
export const matchBody = z.strictObject({ accountNumber: text(64), ...auditPart });
export const closeBody = z.strictObject({
  dateKey: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dateKey is YYYY-MM-DD'),
  currency,
  declaredMinor: moneyMinorOrZero,
  ...auditPart,
});

export const tariffBody = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  name: text(200),
  currency,
  ...auditPart,
});
export const tariffVersionBody = z.strictObject({
  effectiveFromMs: epochMs,
  document: z.record(z.string(), z.unknown()),
  ...auditPart,
});

export const apiTokenBody = z.strictObject({ lifetimeDays: z.int().min(1).max(366).default(90) });

/** Money out: decimal strings of minor units. */
const moneyOut = z.string().regex(/^-?\d+$/);

export const paymentResponse = z.object({
  paymentId: z.string(),
  entryId: z.string(),
  status: z.enum(['posted', 'suspense', 'reversed']),
  accountId: z.string().nullable(),
  channel: z.enum(CHANNELS),
  provider: z.string(),
  providerTxnId: z.string(),
  amountMinor: moneyOut,
  currency: z.string(),
  receivedAtMs: z.number(),
  allocation: z.array(z.object({ account: z.string(), amountMinor: moneyOut })),
  topup: z
    .object({
      tokenId: z.string(),
      token: z.string(),
      gatewayId: z.string(),
      amountMinor: moneyOut,
      expiresAtMs: z.number(),
    })
    .nullable(),
  duplicate: z.boolean(),
});

export const problemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  field: z.string().optional(),
});

/** Responses (as JSON: money and bigints are decimal strings). */
const money = z.string().regex(/^-?\d+$/);
const nullableText = z.string().nullable();

export const userResponse = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
});

export const balanceResponse = z.strictObject({
  accountId: z.string(),
  atMs: z.number().nullable(),
  balanceMinor: money,
  arrearsMinor: money,
  receivable: money,
  wallet: money,
});

export const account360Response = z.strictObject({
  account: z.strictObject({
    id: z.string(),
    number: z.string(),
    mode: z.enum(ACCOUNT_MODES),
    currency: z.string(),
    allocationRule: z.enum(ALLOCATION_RULES),
  }),
  customer: z.strictObject({
    id: z.string(),
    name: z.string(),
    phone: z.string(),
    email: z.string(),
  }),
  premise: z.strictObject({ id: z.string(), address: z.string(), timeZone: z.string() }).nullable(),
  balanceMinor: money,
  arrearsMinor: money,
  receivable: money,
  wallet: money,
  meters: z.array(
    z.strictObject({
      id: z.string(),
      serial: z.string(),
      model: z.string(),
      gatewayId: nullableText,
      relayState: nullableText,
      relayReportedAtMs: z.number().nullable(),
      installedAtMs: z.number(),
    }),
  ),
  timeline: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.string(),
      atMs: z.number(),
      reasonCode: nullableText,
      memo: z.string(),
      amountMinor: money,
      balanceAfterMinor: money,
    }),
  ),
  payments: z.array(
    z.strictObject({
      id: z.string(),
      channel: z.enum(CHANNELS),
      provider: z.string(),
      providerTxnId: z.string(),
      amountMinor: money,
      status: z.string(),
      receivedAtMs: z.number(),
    }),
  ),
});

export const suspenseResponse = z.array(
  z.strictObject({
    paymentId: z.string(),
    channel: z.enum(CHANNELS),
    provider: z.string(),
    providerTxnId: z.string(),
    amountMinor: money,
    currency: z.string(),
    receivedAtMs: z.number(),
  }),
);

export const auditResponse = z.array(
  z.strictObject({
    id: z.string(),
    atMs: z.number(),
    actorId: z.string(),
    action: z.string(),
    accountId: nullableText,
    target: z.string(),
    reason: z.string(),
    comment: z.string(),
    details: z.unknown(),
  }),
);

export const tariffsResponse = z.array(
  z.strictObject({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    versions: z.array(
      z.strictObject({
        versionId: z.string(),
        effectiveFromMs: z.number(),
        sha256: z.string(),
        keyId: z.string(),
      }),
    ),
  }),
);
