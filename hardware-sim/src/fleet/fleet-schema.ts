import { z } from 'zod';

const loadSchema = z.union([
  z.object({
    shape: z.enum(['residential', 'commercial', 'industrial', 'solar-prosumer']),
    peakW: z.number().int().min(0).max(100_000_000).optional(),
    pvPeakW: z.number().int().min(0).max(100_000_000).optional(),
  }),
  z.object({ kW: z.number().min(-100_000).max(100_000) }),
]);

const touSwitches = z
  .array(z.tuple([z.number().int().min(0).max(1439), z.number().int().min(1).max(4)]))
  .min(1);

const meterSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1-64 letters, digits, ".", "_" or "-"'),
    serial: z.string().min(1).max(32).optional(),
    protocol: z.enum(['modbus', 'dlms']),
    transport: z.enum(['tcp', 'rtu', 'wrapper', 'hdlc', 'hdlc-serial']),
    port: z.number().int().min(0).max(65535).optional(),
    unitId: z.number().int().min(1).max(247).optional(),
    serverAddress: z.number().int().min(1).max(16383).optional(),
    device: z.string().min(1).optional(),
    ptyLink: z.string().min(1).optional(),
    baudRate: z.number().int().min(1200).max(921600).optional(),
    map: z.enum(['sdm120', 'sdm630', 'gridbill-prepaid']).optional(),
    phases: z.union([z.literal(1), z.literal(3)]).optional(),
    timeZone: z.string().min(1).optional(),
    load: loadSchema.default({ shape: 'residential' }),
    registers: z
      .object({
        importWh: z.number().int().min(0),
        exportWh: z.number().int().min(0).default(0),
        importRateWh: z.array(z.number().int().min(0)).length(4).optional(),
      })
      .optional(),
    registerDigits: z.number().int().min(4).max(9).default(9),
    clockDriftPpm: z.number().min(-100_000).max(100_000).default(0),
    relay: z
      .object({
        controlMode: z.number().int().min(0).max(6).default(1),
        state: z.enum(['connected', 'disconnected', 'ready_for_reconnection']).default('connected'),
      })
      .default({ controlMode: 1, state: 'connected' }),
    tou: z.object({ weekday: touSwitches, weekend: touSwitches }).optional(),
  })
  .superRefine((m, ctx) => {
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const modbusT = m.transport === 'tcp' || m.transport === 'rtu';
    need(
      m.protocol === 'modbus' ? modbusT : !modbusT,
      'transport',
      `${m.transport} is not a ${m.protocol} transport (modbus: tcp, rtu; dlms: wrapper, hdlc, ` +
        'hdlc-serial)',
    );
    const serial = m.transport === 'rtu' || m.transport === 'hdlc-serial';
    need(
      !serial || Boolean(m.device ?? m.ptyLink),
      'device',
      `${m.transport} needs "device" (a serial port) or "ptyLink" (a PTY pair made with socat)`,
    );
    need(serial || m.port !== undefined, 'port', `${m.transport} needs a TCP "port"`);
    need(
      m.protocol !== 'modbus' || m.unitId !== undefined,
      'unitId',
      'modbus meters need a unitId',
    );
  });

export const fleetSchema = z
  .object({
    seed: z.union([z.number().int(), z.string().min(1)]).default(1),
    startTime: z.iso.datetime({ offset: true }).optional(),
    speed: z.number().min(0).max(1_000_000).default(1),
    timeZone: z.string().min(1).default('UTC'),
    /** Days of 15-minute load profile each meter keeps (33 bytes a row). */
    profileDays: z.number().int().min(1).max(400).default(36),
    meters: z.array(meterSchema).min(1),
  })
  .superRefine((fleet, ctx) => {
    const seen = new Map<string, number>();
    fleet.meters.forEach((m, i) => {
      const keys = [`id ${m.id}`, addressKey(m)];
      for (const key of keys) {
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['meters', i, key.startsWith('id') ? 'id' : 'address'],
            message: `duplicate ${key} (already used by meters[${first}])`,
          });
        }
        seen.set(key, i);
      }
    });
  });

function addressKey(m: z.infer<typeof meterSchema>): string {
  const where = m.device ?? m.ptyLink ?? `port ${m.port}`;
  const unit = m.protocol === 'modbus' ? `unit ${m.unitId}` : `server ${m.serverAddress ?? 1}`;
  return `address ${m.protocol} ${where} ${unit}`;
}

export type FleetFile = z.infer<typeof fleetSchema>;
export type FleetMeter = FleetFile['meters'][number];
