import { gatewayIdSchema } from './primitives.js';

/** Root of every Gridbill MQTT topic. */
export const MQTT_ROOT = 'gridbill/gw';

/** The central service account's MQTT username ('@' keeps it apart from any gateway id). */
export const CENTRAL_MQTT_USERNAME = 'central@gridbill';

/** Messages a gateway sends (it may publish only under its own `up/`). */
export const upstreamMqttKinds = ['telemetry', 'relay-outcome', 'status'] as const;
/** Messages central sends to one gateway (only that gateway may read its `cmd/`). */
export const commandMqttKinds = ['pull', 'relay'] as const;
export type UpstreamMqttKind = (typeof upstreamMqttKinds)[number];
export type CommandMqttKind = (typeof commandMqttKinds)[number];

function checkGateway(gatewayId: string): string {
  const parsed = gatewayIdSchema.safeParse(gatewayId);
  if (!parsed.success) throw new Error(`invalid gateway id '${gatewayId}' for an MQTT topic`);
  return gatewayId;
}

/** Example: upTopic('gw-1', 'telemetry') → 'gridbill/gw/gw-1/up/telemetry'. */
export function upTopic(gatewayId: string, kind: UpstreamMqttKind): string {
  return `${MQTT_ROOT}/${checkGateway(gatewayId)}/up/${kind}`;
}

/** Example: commandTopic('gw-1', 'pull') → 'gridbill/gw/gw-1/cmd/pull'. */
export function commandTopic(gatewayId: string, kind: CommandMqttKind): string {
  return `${MQTT_ROOT}/${checkGateway(gatewayId)}/cmd/${kind}`;
}

/** Filter a gateway subscribes to. Example: 'gw-1' → 'gridbill/gw/gw-1/cmd/#'. */
export function commandFilter(gatewayId: string): string {
  return `${MQTT_ROOT}/${checkGateway(gatewayId)}/cmd/#`;
}

/** Filter central subscribes to: every gateway's upstream messages. */
export const CENTRAL_UP_FILTER = `${MQTT_ROOT}/+/up/#`;

export type ParsedTopic =
  | { direction: 'up'; gatewayId: string; kind: UpstreamMqttKind }
  | { direction: 'cmd'; gatewayId: string; kind: CommandMqttKind };

/**
 * Splits a Gridbill topic; null for anything else.
 * Example: parseTopic('gridbill/gw/gw-1/up/status') → { direction: 'up', gatewayId: 'gw-1',
 *   kind: 'status' }.
 */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== MQTT_ROOT) return null;
  const [, , gatewayId = '', direction, kind = ''] = parts;
  if (!gatewayIdSchema.safeParse(gatewayId).success) return null;
  if (direction === 'up' && (upstreamMqttKinds as readonly string[]).includes(kind)) {
    return { direction, gatewayId, kind: kind as UpstreamMqttKind };
  }
  if (direction === 'cmd' && (commandMqttKinds as readonly string[]).includes(kind)) {
    return { direction, gatewayId, kind: kind as CommandMqttKind };
  }
  return null;
}

/**
 * MQTT topic-filter match ('+' one level, '#' the rest, '$' topics never match wildcards).
 * Example: topicMatches('gridbill/gw/+/up/#', 'gridbill/gw/gw-1/up/status') → true.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * True when every topic matched by `requested` is also matched by `allowed`, i.e. a client
 * allowed `allowed` may subscribe to `requested`.
 * Example: filterCovers('gridbill/gw/gw-1/cmd/#', 'gridbill/gw/gw-1/cmd/pull') → true;
 *          filterCovers('gridbill/gw/gw-1/cmd/#', 'gridbill/gw/+/cmd/#') → false.
 */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] === '#') return true;
    if (i >= r.length) return false;
    if (r[i] === '#') return false;
    if (a[i] === '+') continue;
    if (r[i] === '+' || a[i] !== r[i]) return false;
  }
  return a.length === r.length;
}
