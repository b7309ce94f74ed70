import type { Checkpoint, GatewayStatus, RelayOutcome, Telemetry } from '@gridbill/shared/sync';
import {
  CENTRAL_UP_FILTER,
  commandTopic,
  gatewayStatusSchema,
  parseTopic,
  relayOutcomeSchema,
  SYNC_PROTOCOL_VERSION,
  telemetrySchema,
} from '@gridbill/shared/sync';
import type { MqttClient } from 'mqtt';
import { connect } from 'mqtt';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { relayOrderBodySchema } from '@gridbill/shared/sync';

export interface CentralMqttHandlers {
  onTelemetry?(gatewayId: string, telemetry: Telemetry): void;
  onRelayOutcome?(gatewayId: string, outcome: RelayOutcome): void;
  onStatus?(gatewayId: string, status: GatewayStatus): void;
}

export interface CentralLinkOptions {
  url: string;
  username: string;
  password: string;
  /** Default = username (the broker requires client id = username). */
  clientId?: string;
  handlers: CentralMqttHandlers;
  log: Pick<Logger, 'info' | 'warn'>;
  /**
   * true (default): resolve once connected and subscribed, reject if the first attempt fails.
   * false: return at once and keep retrying in the background (central starts even when an
   * external broker is down; `ready` resolves on the first subscription).
   */
  waitForConnection?: boolean;
}

export interface CentralLink {
  /** Resolves once the link is connected and subscribed the first time. */
  readonly ready: Promise<void>;
  /** "Pull now" hint (retained: a gateway connecting later sees the latest checkpoint). */
  publishPullHint(gatewayId: string, checkpoint: Checkpoint): Promise<void>;
  /** Low-latency copy of a relay order; the change feed carries the same order durably. */
  publishRelayCommand(
    gatewayId: string,
    order: z.input<typeof relayOrderBodySchema>,
  ): Promise<void>;
  readonly stats: { received: number; invalid: number };
  isConnected(): boolean;
  close(): Promise<void>;
}

/**
 * Central's MQTT client, the same code for the embedded broker and an external one (URL).
 * Messages are hints: publishing fails fast when disconnected and callers must not care.
 * Gateway ids come from the topic, which the broker's ACL ties to the login.
 */
export async function connectCentralLink(options: CentralLinkOptions): Promise<CentralLink> {
  const { handlers, log } = options;
  const stats = { received: 0, invalid: 0 };
  const client: MqttClient = connect(options.url, {
    username: options.username,
    password: options.password,
    clientId: options.clientId ?? options.username,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    queueQoSZero: false,
  });
  // Handlers first, then wait for the connection (messages may arrive right after CONNACK).
  client.on('message', (topic, payload) => {
    stats.received += 1;
    try {
      if (dispatch(topic, payload, handlers)) return;
      stats.invalid += 1;
      log.warn({ topic, bytes: payload.length }, 'invalid mqtt message ignored');
    } catch (error) {
      log.warn({ topic, err: (error as Error).message }, 'mqtt message handler failed');
    }
  });
  client.on('error', (error) => log.warn({ err: error.message }, 'central mqtt link error'));
  const ready = new Promise<void>((resolve) => {
    // Subscribe again on every connect: the session is clean.
    client.on('connect', () => {
      client.subscribe(CENTRAL_UP_FILTER, { qos: 1 }, (error) => {
        if (error) return log.warn({ err: error.message }, 'central mqtt subscribe failed');
        log.info({ url: options.url }, 'central mqtt link connected');
        resolve();
      });
    });
  });
  if (options.waitForConnection ?? true) {
    const failed = new Promise<never>((_, reject) => client.once('error', reject));
    await Promise.race([ready, failed]).catch(async (error) => {
      await client.endAsync(true);
      throw error;
    });
  }
  const publish = async (topic: string, body: unknown, retain: boolean) => {
    if (!client.connected) throw new Error(`mqtt not connected: ${topic} not sent`);
    await client.publishAsync(topic, JSON.stringify(body), { qos: 1, retain });
  };
  return {
    ready,
    stats,
    publishPullHint: (gatewayId, checkpoint) =>
      publish(commandTopic(gatewayId, 'pull'), { v: SYNC_PROTOCOL_VERSION, checkpoint }, true),
    publishRelayCommand: (gatewayId, order) =>
      publish(commandTopic(gatewayId, 'relay'), { v: SYNC_PROTOCOL_VERSION, order }, false),
    isConnected: () => client.connected,
    close: () => client.endAsync(true),
  };
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

function dispatch(topic: string, payload: Buffer, handlers: CentralMqttHandlers): boolean {
  const parsed = parseTopic(topic);
  if (parsed === null || parsed.direction !== 'up') return false;
  const json = parseJson(payload);
  if (parsed.kind === 'telemetry') {
    const result = telemetrySchema.safeParse(json);
    if (result.success) handlers.onTelemetry?.(parsed.gatewayId, result.data);
    return result.success;
  }
  if (parsed.kind === 'relay-outcome') {
    const result = relayOutcomeSchema.safeParse(json);
    if (result.success) handlers.onRelayOutcome?.(parsed.gatewayId, result.data);
    return result.success;
  }
  const result = gatewayStatusSchema.safeParse(json);
  if (result.success) handlers.onStatus?.(parsed.gatewayId, result.data);
  return result.success;
}
