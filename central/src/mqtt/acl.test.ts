import { readFileSync } from 'node:fs';
import { CENTRAL_MQTT_USERNAME } from '@gridbill/shared/sync';
import { describe, expect, it } from 'vitest';
import type { MqttPrincipal } from './acl.js';
import { clientIdAllowed, MQTT_ACL, mayPublish, maySubscribe, principalFor } from './acl.js';

const gwA: MqttPrincipal = { kind: 'gateway', gatewayId: 'gw-a' };
const central: MqttPrincipal = { kind: 'central' };

const cases: [string, MqttPrincipal, 'publish' | 'subscribe', string, boolean][] = [
  ['own telemetry', gwA, 'publish', 'gridbill/gw/gw-a/up/telemetry', true],
  ['as another gateway', gwA, 'publish', 'gridbill/gw/gw-b/up/telemetry', false],
  ['into own commands', gwA, 'publish', 'gridbill/gw/gw-a/cmd/relay', false],
  ['a wildcard topic', gwA, 'publish', 'gridbill/gw/gw-a/up/#', false],
  ['outside the tree', gwA, 'publish', 'other/topic', false],
  ['own commands', gwA, 'subscribe', 'gridbill/gw/gw-a/cmd/#', true],
  ['one own command', gwA, 'subscribe', 'gridbill/gw/gw-a/cmd/pull', true],
  ["another's commands", gwA, 'subscribe', 'gridbill/gw/gw-b/cmd/#', false],
  ['all commands', gwA, 'subscribe', 'gridbill/gw/+/cmd/#', false],
  ['everything', gwA, 'subscribe', '#', false],
  ['own upstream', gwA, 'subscribe', 'gridbill/gw/gw-a/up/#', false],
  ['central: a command', central, 'publish', 'gridbill/gw/gw-b/cmd/pull', true],
  ['central: as a gateway', central, 'publish', 'gridbill/gw/gw-b/up/status', false],
  ['central: all upstream', central, 'subscribe', 'gridbill/gw/+/up/#', true],
  ['central: commands', central, 'subscribe', 'gridbill/gw/+/cmd/#', false],
];

describe('mqtt ACL', () => {
  it.each(cases)('%s', (_, principal, action, topic, allowed) => {
    const check = action === 'publish' ? mayPublish : maySubscribe;
    expect(check(principal, topic)).toBe(allowed);
  });

  it('maps usernames to principals', () => {
    expect(principalFor('gw-a')).toEqual(gwA);
    expect(principalFor(CENTRAL_MQTT_USERNAME)).toEqual(central);
    expect(principalFor('GW/A')).toBeNull();
    expect(principalFor('central')).toEqual({ kind: 'gateway', gatewayId: 'central' });
  });

  it('binds the client id to the username', () => {
    expect(clientIdAllowed(gwA, 'gw-a', 'gw-a')).toBe(true);
    expect(clientIdAllowed(gwA, 'gw-a', 'gw-b')).toBe(false);
    expect(clientIdAllowed(gwA, 'gw-a', 'gw-a:2')).toBe(false);
    expect(clientIdAllowed(central, CENTRAL_MQTT_USERNAME, `${CENTRAL_MQTT_USERNAME}:2`)).toBe(
      true,
    );
  });

  it('says the same as deploy/mosquitto/gridbill.acl', () => {
    const file = readFileSync(
      new URL('../../../deploy/mosquitto/gridbill.acl', import.meta.url),
      'utf8',
    );
    const fromFile: string[] = [];
    let user: string | null = null;
    for (const line of file.split('\n').map((l) => l.trim())) {
      const [keyword, a, b] = line.split(/\s+/);
      if (keyword === 'user') user = a ?? null;
      const access = a === 'write' ? 'publish' : 'subscribe';
      if (keyword === 'pattern') fromFile.push(`gateway ${access} ${b}`);
      if (keyword === 'topic' && user === CENTRAL_MQTT_USERNAME)
        fromFile.push(`central ${access} ${b}`);
    }
    const fromCode = MQTT_ACL.map((r) => `${r.who} ${r.access} ${r.filter}`);
    expect(fromFile.sort()).toEqual(fromCode.sort());
  });
});
