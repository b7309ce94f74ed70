import {
  type MqttService,
  mqttConfigSchema,
  startFeedHints,
  startMqttService,
} from '../mqtt/index.js';
import { gatewayCredentialOk } from '../records/index.js';
import type { AppContext } from './context.js';

/**
 * The MQTT side of `serve`: `embedded` (aedes in this process; gateways log in with their
 * central secret), `off`, or an external broker URL (`mqtt://host:1883`; central's login from
 * GRIDBILL_MQTT_USERNAME / GRIDBILL_MQTT_PASSWORD), with `startFeedHints` publishing pull hints
 * and relay commands. MQTT only carries hints, low-latency
 * commands and telemetry, so a broker that cannot start is logged and serve goes on: gateways
 * then pull on their timers.
 */
export async function startMqtt(
  ctx: AppContext,
  mode: string,
  port: number,
  env: Record<string, string | undefined>,
): Promise<MqttService | null> {
  const config = mqttConfigSchema.parse(
    mode === 'embedded'
      ? { mode, port }
      : mode === 'off'
        ? { mode }
        : {
            mode: 'external',
            url: mode,
            username: env.GRIDBILL_MQTT_USERNAME ?? 'central',
            password: env.GRIDBILL_MQTT_PASSWORD ?? '',
          },
  );
  try {
    const service = await startMqttService(config, {
      random: ctx.random,
      log: ctx.logger,
      gatewaySecretOk: (id, secret) => gatewayCredentialOk(ctx, id, secret),
      handlers: {
        onRelayOutcome: (gatewayId, outcome) =>
          ctx.logger.info({ gatewayId, outcome }, 'relay outcome (MQTT)'),
        onStatus: (gatewayId, status) => ctx.logger.info({ gatewayId, status }, 'gateway status'),
      },
    });
    if (config.mode === 'embedded') ctx.logger.info({ port }, 'embedded MQTT broker listening');
    if (service.link === null) return service;
    // pull hints after feed appends and relay orders copied for low latency
    const hints = startFeedHints({ ctx, link: service.link });
    return {
      ...service,
      close: async () => {
        hints.stop();
        await service.close();
      },
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.logger.warn({ err: message, mode }, 'MQTT unavailable: gateways fall back to timed pulls');
    return null;
  }
}
