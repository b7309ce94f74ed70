import {
  CENTRAL_MQTT_USERNAME,
  filterCovers,
  gatewayIdSchema,
  MQTT_ROOT,
  topicMatches,
} from '@gridbill/shared/sync';

/** Who is connected: one gateway, or the central service itself. */
export type MqttPrincipal = { kind: 'gateway'; gatewayId: string } | { kind: 'central' };

type Access = 'publish' | 'subscribe';

/**
 * The ACL as data, the same rules as deploy/mosquitto/gridbill.acl ('%u' = gateway id).
 */
export const MQTT_ACL: readonly { who: MqttPrincipal['kind']; access: Access; filter: string }[] = [
  { who: 'gateway', access: 'publish', filter: `${MQTT_ROOT}/%u/up/#` },
  { who: 'gateway', access: 'subscribe', filter: `${MQTT_ROOT}/%u/cmd/#` },
  { who: 'central', access: 'subscribe', filter: `${MQTT_ROOT}/+/up/#` },
  { who: 'central', access: 'publish', filter: `${MQTT_ROOT}/+/cmd/#` },
];

/**
 * Maps a login name to a principal; null when it is neither central nor a valid gateway id.
 * Example: principalFor('gw-1') → { kind: 'gateway', gatewayId: 'gw-1' }.
 */
export function principalFor(username: string): MqttPrincipal | null {
  if (username === CENTRAL_MQTT_USERNAME) return { kind: 'central' };
  if (gatewayIdSchema.safeParse(username).success) return { kind: 'gateway', gatewayId: username };
  return null;
}

function allowedFilters(principal: MqttPrincipal, access: Access): string[] {
  return MQTT_ACL.filter((rule) => rule.who === principal.kind && rule.access === access).map(
    (rule) =>
      principal.kind === 'gateway' ? rule.filter.replace('%u', principal.gatewayId) : rule.filter,
  );
}

/** Example: mayPublish(gw-1, 'gridbill/gw/gw-2/up/status') → false. */
export function mayPublish(principal: MqttPrincipal, topic: string): boolean {
  if (topic.includes('+') || topic.includes('#')) return false;
  return allowedFilters(principal, 'publish').some((filter) => topicMatches(filter, topic));
}

/** Example: maySubscribe(gw-1, 'gridbill/gw/+/cmd/#') → false (it would read gw-2's). */
export function maySubscribe(principal: MqttPrincipal, filter: string): boolean {
  return allowedFilters(principal, 'subscribe').some((allowed) => filterCovers(allowed, filter));
}

/**
 * A client id must be the username (as Mosquitto's use_username_as_clientid forces), so no
 * client can take over another's session; central may add ':<suffix>' for more connections.
 */
export function clientIdAllowed(principal: MqttPrincipal, username: string, clientId: string) {
  if (clientId === username) return true;
  return principal.kind === 'central' && clientId.startsWith(`${username}:`);
}
