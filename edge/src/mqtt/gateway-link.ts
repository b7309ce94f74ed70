import type { Clock, TimerHandle } from '@gridbill/shared/clock';
import type { RandomSource } from '@gridbill/shared/ids';
import type { Checkpoint, RelayCommand, RelayOutcome, Telemetry } from '@gridbill/shared/sync';
import {
  commandFilter,
  parseTopic,
  pullHintSchema,
  relayCommandSchema,
  SYNC_PROTOCOL_VERSION,
  upTopic,
} from '@gridbill/shared/sync';
import type { MqttClient } from 'mqtt';
import { connect } from 'mqtt';
import type { Logger } from 'pino';
import type { BackoffPolicy } from './backoff.js';
import { DEFAULT_RECONNECT, reconnectDelayMs } from './backoff.js';
import { createRecentIds } from './recent-ids.js';

export interface GatewayLinkHandlers {
  /** Central's feed moved: pull now (the pull trigger also pulls on its own timer). */
  onPullHint(checkpoint: Checkpoint): void;
  /**
   * A relay order sent for low latency. The same order also comes through the change feed;
   * the relay journal must execute an order id once and report it upstream (relay-event).
   */
  onRelayCommand(order: RelayCommand['order'], expired: boolean): void;
}

export interface GatewayLinkOptions {
  url: string;
  gatewayId: string;
  password: string;
  clock: Clock;
  random: RandomSource;
  handlers: GatewayLinkHandlers;
  log: Pick<Logger, 'info' | 'warn'>;
  reconnect?: BackoffPolicy;
  /** PEM CA for an mqtts:// broker with a private CA (default: the system's CAs). */
  caPem?: string;
}

export interface GatewayLinkStats {
  connects: number;
  reconnectAttempts: number;
  hints: number;
  commands: number;
  duplicateCommands: number;
  invalidMessages: number;
}

export interface GatewayLink {
  /** Connects in the background; never throws for network trouble (it retries). */
  start(): void;
  isConnected(): boolean;
  /** Live values, QoS 0: dropped (false) when offline, by design. */
  publishTelemetry(telemetry: Omit<Telemetry, 'v'>): boolean;
  /** Fast notice of a relay outcome, QoS 1, best effort (the outbox relay-event is the record). */
  publishRelayOutcome(outcome: Omit<RelayOutcome, 'v'>): boolean;
  stop(): Promise<void>;
  readonly stats: GatewayLinkStats;
}

/**
 * The gateway's MQTT client: receives "pull now" hints and relay commands on
 * gridbill/gw/<id>/cmd/#, sends telemetry and relay outcomes under gridbill/gw/<id>/up/, keeps
 * a retained online/offline status (last will), and reconnects with jittered back-off on the
 * injected clock. Nothing here is needed for correctness: if MQTT is down the HTTP sync path
 * still moves every event and change.
 */
export function createGatewayLink(options: GatewayLinkOptions): GatewayLink {
  const { clock, log, handlers, gatewayId } = options;
  const stats: GatewayLinkStats = {
    connects: 0,
    reconnectAttempts: 0,
    hints: 0,
    commands: 0,
    duplicateCommands: 0,
    invalidMessages: 0,
  };
  const seenOrders = createRecentIds(1000);
  let client: MqttClient | null = null;
  let retryTimer: TimerHandle | null = null;
  let attempt = 0;
  let stopped = true;

  const status = (online: boolean) =>
    JSON.stringify({ v: SYNC_PROTOCOL_VERSION, online, atMs: online ? clock.wallMs() : null });

  const onMessage = (topic: string, payload: Buffer) => {
    const parsed = parseTopic(topic);
    const json = safeJson(payload);
    if (parsed?.direction === 'cmd' && parsed.gatewayId === gatewayId && parsed.kind === 'pull') {
      const hint = pullHintSchema.safeParse(json);
      if (hint.success) {
        stats.hints += 1;
        return handlers.onPullHint(hint.data.checkpoint);
      }
    }
    if (parsed?.direction === 'cmd' && parsed.gatewayId === gatewayId && parsed.kind === 'relay') {
      const command = relayCommandSchema.safeParse(json);
      if (command.success) return deliverCommand(command.data.order);
    }
    stats.invalidMessages += 1;
    log.warn({ topic, bytes: payload.length }, 'invalid mqtt message ignored');
  };

  const deliverCommand = (order: RelayCommand['order']) => {
    if (!seenOrders.add(order.orderId)) {
      stats.duplicateCommands += 1;
      return;
    }
    stats.commands += 1;
    handlers.onRelayCommand(order, order.expiresAtMs <= clock.wallMs());
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer !== null) return;
    const delayMs = reconnectDelayMs(
      attempt,
      options.random,
      options.reconnect ?? DEFAULT_RECONNECT,
    );
    attempt += 1;
    retryTimer = clock.setTimeout(() => {
      retryTimer = null;
      stats.reconnectAttempts += 1;
      client?.reconnect();
    }, delayMs);
  };

  const open = () => {
    const c = connect(options.url, {
      username: gatewayId,
      password: options.password,
      clientId: gatewayId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      queueQoSZero: false,
      ...(options.caPem === undefined ? {} : { ca: options.caPem }),
      will: {
        topic: upTopic(gatewayId, 'status'),
        payload: Buffer.from(status(false)),
        qos: 1,
        retain: true,
      },
    });
    // Handlers before the connection completes: a broker may deliver right after CONNACK.
    c.on('message', (topic, payload) => {
      try {
        onMessage(topic, payload);
      } catch (error) {
        log.warn({ topic, err: (error as Error).message }, 'mqtt message handler failed');
      }
    });
    c.on('connect', () => {
      attempt = 0;
      stats.connects += 1;
      log.info({ gatewayId }, 'mqtt connected');
      c.subscribe(commandFilter(gatewayId), { qos: 1 });
      c.publish(upTopic(gatewayId, 'status'), status(true), { qos: 1, retain: true });
    });
    c.on('close', scheduleReconnect);
    c.on('error', (error) => log.warn({ err: error.message }, 'mqtt error'));
    return c;
  };

  const publish = (topic: string, body: object, qos: 0 | 1) => {
    if (client === null || !client.connected) return false;
    client.publish(topic, JSON.stringify({ v: SYNC_PROTOCOL_VERSION, ...body }), { qos });
    return true;
  };

  return {
    stats,
    start() {
      if (!stopped) return;
      stopped = false;
      client = open();
    },
    isConnected: () => client?.connected ?? false,
    publishTelemetry: (telemetry) => publish(upTopic(gatewayId, 'telemetry'), telemetry, 0),
    publishRelayOutcome: (outcome) => publish(upTopic(gatewayId, 'relay-outcome'), outcome, 1),
    async stop() {
      stopped = true;
      if (retryTimer !== null) clock.clearTimeout(retryTimer);
      retryTimer = null;
      const c = client;
      client = null;
      if (c === null) return;
      if (c.connected) {
        await c.publishAsync(upTopic(gatewayId, 'status'), status(false), { qos: 1, retain: true });
      }
      await c.endAsync(true);
    },
  };
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}
