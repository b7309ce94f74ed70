import { gatewayIdSchema } from '@gridbill/shared/sync';
import { z } from 'zod';

/**
 * `mqtt` section of central's config.
 * - embedded (default): aedes inside the central process; gateways log in with their central
 *   record secret (`gatewaySecretOk` in the service deps) or a configured password hash;
 * - external: a broker by URL (Mosquitto in production, deploy/mosquitto/), central logs in with
 *   its service account;
 * - off: no MQTT at all (sync still works: gateways pull on their timer).
 * Example: { mode: 'external', url: 'mqtts://broker:8883', username: 'central@gridbill',
 *            password: '…' }
 */
const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

const gatewayLoginSchema = z.strictObject({
  gatewayId: gatewayIdSchema,
  passwordHash: z.string().regex(/^scrypt\$/, 'passwordHash must come from hashPassword'),
});

export const mqttConfigSchema = z.discriminatedUnion('mode', [
  z
    .strictObject({
      mode: z.literal('embedded'),
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(1883),
      /** PEM files; required to listen beyond loopback (gateways connect with mqtts://). */
      tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
      /** Extra gateway logins; gateways in central's records log in with their sync secret. */
      gateways: z.array(gatewayLoginSchema).default([]),
    })
    .refine((c) => c.tls !== undefined || LOOPBACK.includes(c.host), {
      message: 'an embedded broker listening beyond loopback needs tls (certFile, keyFile)',
      path: ['tls'],
    }),
  z.strictObject({
    mode: z.literal('external'),
    url: z.string().regex(/^mqtts?:\/\/[^/]+\/?$/, 'url must be mqtt://host:port or mqtts://…'),
    username: z.string().min(1),
    password: z.string().min(1),
  }),
  z.strictObject({ mode: z.literal('off') }),
]);
export type MqttConfig = z.output<typeof mqttConfigSchema>;
