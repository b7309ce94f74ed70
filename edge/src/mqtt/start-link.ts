import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Engine } from '../engine/engine.js';
import { acceptRelayOrder } from '../engine/relay-orders.js';
import { createGatewayLink, type GatewayLink } from './gateway-link.js';
import { startTelemetryPublisher } from './telemetry-publisher.js';

export interface StartLinkOptions {
  engine: Engine;
  random: (byteCount: number) => Uint8Array;
  logger: Logger;
  /** The sync's "pull now" (an MQTT hint pulls the change feed at once). */
  pullHint: () => void;
}

/**
 * Starts the gateway's MQTT link when `central.mqtt` is configured (else null): hints trigger
 * a feed pull, relay commands go to `acceptRelayOrder(engine, order, 'mqtt')`, which dedupes
 * by order id against the same order arriving through the feed; live telemetry every
 * `telemetryEverySeconds`. Connects in the background.
 * Example: config central.mqtt { url: 'mqtt://127.0.0.1:1883' } → a started link.
 */
export function startMqttLink(o: StartLinkOptions): GatewayLink | null {
  const central = o.engine.deps.config.central;
  const mqtt = central?.mqtt;
  if (!central || !mqtt) return null;
  const passwordFile = mqtt.passwordFile ?? central.passwordFile;
  if (!passwordFile) throw new Error('central.mqtt needs passwordFile (or central.passwordFile)');
  const link = createGatewayLink({
    url: mqtt.url,
    gatewayId: o.engine.deps.config.gatewayId,
    password: readFileSync(passwordFile, 'utf8').trim(),
    clock: o.engine.deps.clock,
    random: o.random,
    log: o.logger,
    ...(mqtt.caFile === undefined ? {} : { caPem: readFileSync(mqtt.caFile, 'utf8') }),
    handlers: {
      onPullHint: () => o.pullHint(),
      onRelayCommand: (order) => {
        const result = acceptRelayOrder(o.engine, order, 'mqtt');
        o.logger.info({ result }, 'relay order by mqtt');
      },
    },
  });
  link.start();
  o.logger.info({ url: mqtt.url }, 'mqtt link started');
  if (mqtt.telemetryEverySeconds === 0) return link;
  const telemetry = startTelemetryPublisher({
    db: o.engine.deps.db,
    clock: o.engine.deps.clock,
    link,
    everyMs: mqtt.telemetryEverySeconds * 1000,
  });
  return {
    ...link,
    stop: async () => {
      telemetry.stop();
      await link.stop();
    },
  };
}
