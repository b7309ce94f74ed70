import { validate as validCron } from 'node-cron';
import { z } from 'zod';

/** Integer minor units as a JSON integer or an integer string: "-500" → -500n. */
const minorAmount = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, 'must be an integer string')])
  .transform((v) => BigInt(v));

const timeZone = z.string().refine(isTimeZone, { message: 'is not a known IANA time zone' });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const backoffSchema = z.object({
  initialMs: z.number().int().min(1).default(1_000),
  maxMs: z.number().int().min(1).default(60_000),
});

const rtuBusSchema = z.object({
  id: z.string().min(1),
  kind: z.literal('rtu'),
  device: z.string().min(1),
  baudRate: z.number().int().min(300).max(921_600).default(9_600),
  parity: z.enum(['none', 'even', 'odd']).default('even'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  timeoutMs: z.number().int().min(10).default(500),
  interFrameGapMs: z.number().min(0).optional(),
  backoff: backoffSchema.default({ initialMs: 1_000, maxMs: 60_000 }),
});

const tcpBusSchema = z.object({
  id: z.string().min(1),
  kind: z.literal('tcp'),
  maxConcurrent: z.number().int().min(1).max(10_000).default(64),
  timeoutMs: z.number().int().min(10).default(2_000),
  backoff: backoffSchema.default({ initialMs: 1_000, maxMs: 60_000 }),
});

const hexBytes = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes} bytes of hex`);

const dlmsSchema = z.object({
  clientAddress: z.number().int().min(0).default(16),
  serverAddress: z.number().int().min(0).default(1),
  authentication: z.enum(['none', 'low', 'high-gmac']).default('none'),
  password: z.string().optional(),
  /** HLS-GMAC (security suite 0) keys; relay ACTIONs need the management association. */
  systemTitle: hexBytes(8).optional(),
  blockCipherKey: hexBytes(16).optional(),
  authenticationKey: hexBytes(16).optional(),
});

const meterSchema = z.object({
  id: z.string().min(1),
  protocol: z.enum(['modbus', 'dlms']),
  bus: z.string().min(1),
  profile: z.string().min(1),
  /** Modbus unit id or HDLC address on a serial bus; ignored for TCP when `host` is set. */
  address: z.number().int().min(0).max(0x3fff).default(1),
  host: z.string().optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  dlms: dlmsSchema.optional(),
  accountId: z.string().min(1),
  intervalSeconds: z.number().int().min(60).max(86_400).default(900),
  /** Physical maximum energy per hour (breaker rating), bounds rollover and spikes. */
  maxWhPerHour: z.number().int().min(1).default(23_000),
  registerDigits: z.number().int().min(4).max(12).default(8),
});

const accountSchema = z.object({
  id: z.string().min(1),
  mode: z.enum(['prepaid', 'postpaid', 'hybrid']),
  /** For hybrid accounts: which mode is currently in force. */
  activeMode: z.enum(['prepaid', 'postpaid']).optional(),
  tariffId: z.string().min(1),
  openingBalanceMinor: minorAmount.default(0n),
});

const windowSchema = z.object({
  /** Local minute of day the night window starts (1320 = 22:00) and ends (360 = 06:00). */
  nightStartMinute: z.number().int().min(0).max(1439).default(1_080),
  nightEndMinute: z.number().int().min(0).max(1439).default(480),
  weekends: z.boolean().default(true),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
});

const relayPolicySchema = z.object({
  warnMinor: minorAmount.default(500n),
  criticalMinor: minorAmount.default(100n),
  disconnectMinor: minorAmount.default(0n),
  reconnectMinor: minorAmount.default(200n),
  emergencyCreditMinor: minorAmount.default(0n),
  graceSeconds: z.number().int().min(0).default(3_600),
  /** Safe mode once the gateway clock has been untrusted this long (0 = never). */
  clockUntrustedSafeModeSeconds: z.number().int().min(0).default(21_600),
  protectedWindows: windowSchema.default({
    nightStartMinute: 1_080,
    nightEndMinute: 480,
    weekends: true,
    holidays: [],
  }),
  massDisconnect: z
    .object({
      maxDisconnects: z.number().int().min(1).default(20),
      windowSeconds: z.number().int().min(60).default(3_600),
    })
    .default({ maxDisconnects: 20, windowSeconds: 3_600 }),
  command: z
    .object({
      maxAttempts: z.number().int().min(1).default(4),
      initialBackoffMs: z.number().int().min(1).default(2_000),
      maxBackoffMs: z.number().int().min(1).default(60_000),
    })
    .default({ maxAttempts: 4, initialBackoffMs: 2_000, maxBackoffMs: 60_000 }),
});

const tokenSchema = z.object({
  publicKeys: z
    .array(z.object({ kid: z.string().min(1), publicKey: z.string().min(1) }))
    .default([]),
  maxFailures: z.number().int().min(1).default(5),
  failureWindowSeconds: z.number().int().min(1).default(3_600),
  lockoutSeconds: z.number().int().min(1).default(3_600),
});

const cron = z.string().refine((v) => validCron(v), { message: 'is not a valid cron expression' });

const schedulesSchema = z.object({
  registerReads: cron.default('*/15 * * * *'),
  loadProfileCatchUp: cron.default('7 * * * *'),
  clockCheck: cron.default('17 */6 * * *'),
  nearThresholdPollSeconds: z.number().int().min(5).default(60),
});

/** The gateway configuration file (JSON or YAML). */
export const gatewayConfigSchema = z
  .object({
    gatewayId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2-63 chars of a-z, 0-9, "-"'),
    siteTimeZone: timeZone,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like "USD"'),
    dataDir: z.string().min(1),
    clockTrust: z.enum(['ntp', 'always', 'never']).default('ntp'),
    maxClockSkewSeconds: z.number().int().min(1).default(120),
    central: z
      .object({
        url: z.url(),
        username: z.string().min(1),
        passwordFile: z.string().min(1).optional(),
        /** Request-signing key: a file with the 32-byte Ed25519 seed as 64 hex digits. */
        signingKeyFile: z.string().min(1).optional(),
        /** The key id registered on central (`POST /api/gateways/{gw}/sync-keys`). */
        keyId: z.string().min(1).default('k1'),
        /** Downstream pull period (the MQTT hint pulls sooner). */
        pullEverySeconds: z.number().int().min(1).default(60),
        /**
         * MQTT link for pull hints and low-latency relay orders (never needed for correctness).
         * Login: username = gatewayId, password from `passwordFile` (default: the central
         * `passwordFile`, the gateway's central secret).
         */
        mqtt: z
          .object({
            url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'must be an mqtt:// or mqtts:// URL'),
            passwordFile: z.string().min(1).optional(),
            /** PEM CA file for an mqtts:// broker with a private CA. */
            caFile: z.string().min(1).optional(),
            /** Live telemetry: newest reading per meter at most this often (0 = off). */
            telemetryEverySeconds: z.number().int().min(0).default(60),
          })
          .optional(),
      })
      .optional(),
    buses: z.array(z.discriminatedUnion('kind', [rtuBusSchema, tcpBusSchema])).default([]),
    meters: z.array(meterSchema).default([]),
    accounts: z.array(accountSchema).default([]),
    tariffFiles: z.array(z.string().min(1)).default([]),
    schedules: schedulesSchema.default({
      registerReads: '*/15 * * * *',
      loadProfileCatchUp: '7 * * * *',
      clockCheck: '17 */6 * * *',
      nearThresholdPollSeconds: 60,
    }),
    relayPolicy: relayPolicySchema.default(relayPolicySchema.parse({})),
    tokens: tokenSchema.default(tokenSchema.parse({})),
    http: z
      .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65_535) })
      .default({ host: '127.0.0.1', port: 8_470 }),
    retentionDays: z.number().int().min(1).default(90),
  })
  .superRefine(checkReferences);

type RawConfig = {
  buses: { id: string; kind: string }[];
  meters: {
    id: string;
    bus: string;
    accountId: string;
    host?: string | undefined;
    dlms?:
      | Partial<
          Record<'authentication' | 'systemTitle' | 'blockCipherKey' | 'authenticationKey', string>
        >
      | undefined;
  }[];
  accounts: { id: string }[];
  central?: unknown;
  relayPolicy: { disconnectMinor: bigint; reconnectMinor: bigint };
};

function checkReferences(cfg: RawConfig, ctx: z.RefinementCtx): void {
  const busKinds = new Map(cfg.buses.map((b) => [b.id, b.kind]));
  const accounts = new Set(cfg.accounts.map((a) => a.id));
  const seen = new Set<string>();
  cfg.meters.forEach((m, i) => {
    if (seen.has(m.id)) issue(ctx, ['meters', i, 'id'], `duplicate meter id "${m.id}"`);
    seen.add(m.id);
    const kind = busKinds.get(m.bus);
    if (!kind) issue(ctx, ['meters', i, 'bus'], `unknown bus "${m.bus}"`);
    if (kind === 'tcp' && !m.host) issue(ctx, ['meters', i, 'host'], 'required on a tcp bus');
    // with central configured, accounts may come from central (account-assignment changes)
    if (!accounts.has(m.accountId) && cfg.central === undefined)
      issue(ctx, ['meters', i, 'accountId'], `unknown account "${m.accountId}"`);
  });
  cfg.meters.forEach((m, i) => {
    const d = m.dlms;
    if (d?.authentication !== 'high-gmac') return;
    for (const k of ['systemTitle', 'blockCipherKey', 'authenticationKey'] as const)
      if (!d[k]) issue(ctx, ['meters', i, 'dlms', k], 'required for high-gmac');
  });
  const { disconnectMinor, reconnectMinor } = cfg.relayPolicy;
  if (reconnectMinor <= disconnectMinor)
    issue(ctx, ['relayPolicy', 'reconnectMinor'], 'must be above disconnectMinor (hysteresis)');
}

function issue(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type BusConfig = GatewayConfig['buses'][number];
export type MeterConfig = GatewayConfig['meters'][number];
export type AccountConfig = GatewayConfig['accounts'][number];
export type RelayPolicyConfig = GatewayConfig['relayPolicy'];
