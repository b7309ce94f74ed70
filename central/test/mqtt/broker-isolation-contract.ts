import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CENTRAL_MQTT_USERNAME, CENTRAL_UP_FILTER, commandFilter } from '@gridbill/shared/sync';
import type { Received } from './mqtt-test-client.js';
import { collect, connectAs, endAll, pause, until } from './mqtt-test-client.js';

export const ACCOUNTS = {
  'gw-a': 'pass-a-8f2k',
  'gw-b': 'pass-b-3m9q',
  [CENTRAL_MQTT_USERNAME]: 'pass-central-7x1z',
} as const;

export interface BrokerUnderTest {
  url: string;
  close(): Promise<void>;
}

/** Subscribes; a refusal (SUBACK 0x80, aedes) is as good as a silent filter (Mosquitto). */
async function trySubscribe(client: MqttClient, filter: string): Promise<void> {
  await client.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
}

const A_UP = 'gridbill/gw/gw-a/up/telemetry';
const B_UP = 'gridbill/gw/gw-b/up/telemetry';
const B_CMD = 'gridbill/gw/gw-b/cmd/relay';
const A_CMD = 'gridbill/gw/gw-a/cmd/relay';

/**
 * The per-gateway isolation every broker deployment must give (run against Mosquitto with
 * deploy/mosquitto and against the embedded aedes broker).
 */
export function describeBrokerIsolation(name: string, start: () => Promise<BrokerUnderTest>) {
  describe(`${name}: per-gateway credentials and topic ACL`, () => {
    let broker: BrokerUnderTest;
    let open: MqttClient[] = [];
    const login = async (user: keyof typeof ACCOUNTS, clientId?: string) => {
      const client = await connectAs(broker.url, user, ACCOUNTS[user], clientId);
      open.push(client);
      return client;
    };
    /** central, subscribed to every gateway's upstream topics. */
    const centralWatching = async (): Promise<[MqttClient, Received[]]> => {
      const central = await login(CENTRAL_MQTT_USERNAME);
      const seen = collect(central);
      await central.subscribeAsync(CENTRAL_UP_FILTER, { qos: 1 });
      return [central, seen];
    };

    beforeAll(async () => {
      broker = await start();
    });
    afterEach(async () => {
      await endAll(open);
      open = [];
    });
    afterAll(async () => {
      await broker.close();
    });

    it('refuses a wrong password and an unknown user', async () => {
      await expect(connectAs(broker.url, 'gw-a', 'wrong')).rejects.toThrow();
      await expect(connectAs(broker.url, 'gw-zz', ACCOUNTS['gw-a'])).rejects.toThrow();
      await expect(connectAs(broker.url, 'gw-b', ACCOUNTS['gw-a'])).rejects.toThrow();
      expect((await login('gw-a')).connected).toBe(true);
    });

    it('gateway A cannot publish as gateway B', async () => {
      const [, seen] = await centralWatching();
      const a = await login('gw-a');
      a.publish(B_UP, 'forged-by-a', { qos: 0 });
      await pause(100);
      const a2 = await connectAs(broker.url, 'gw-a', ACCOUNTS['gw-a'], 'gw-a');
      open.push(a2);
      await a2.publishAsync(A_UP, 'marker-from-a', { qos: 1 });
      await until(() => seen.some((m) => m.text === 'marker-from-a'), 'own publish at central');
      await pause(100);
      expect(seen).toEqual([{ topic: A_UP, text: 'marker-from-a' }]);
    });

    it('gateway A cannot inject commands into gateway B', async () => {
      const b = await login('gw-b');
      const bSeen = collect(b);
      await b.subscribeAsync(commandFilter('gw-b'), { qos: 1 });
      const a = await login('gw-a');
      a.publish(B_CMD, 'forged-command', { qos: 0 });
      await pause(100);
      const central = await login(CENTRAL_MQTT_USERNAME);
      await central.publishAsync(B_CMD, 'real-command', { qos: 1 });
      await until(() => bSeen.some((m) => m.text === 'real-command'), 'real command at B');
      await pause(100);
      expect(bSeen).toEqual([{ topic: B_CMD, text: 'real-command' }]);
    });

    it("gateway A cannot read gateway B's commands", async () => {
      const b = await login('gw-b');
      const bSeen = collect(b);
      await b.subscribeAsync(commandFilter('gw-b'), { qos: 1 });
      const a = await login('gw-a');
      const aSeen = collect(a);
      for (const filter of [
        commandFilter('gw-b'),
        'gridbill/gw/+/cmd/#',
        'gridbill/#',
        '#',
        B_CMD,
      ]) {
        await trySubscribe(a, filter);
      }
      await a.subscribeAsync(commandFilter('gw-a'), { qos: 1 });
      const central = await login(CENTRAL_MQTT_USERNAME);
      await central.publishAsync(B_CMD, 'for-b-only', { qos: 1 });
      await central.publishAsync(A_CMD, 'for-a', { qos: 1 });
      await until(() => bSeen.length === 1 && aSeen.length >= 1, 'both commands delivered');
      await pause(100);
      expect(bSeen).toEqual([{ topic: B_CMD, text: 'for-b-only' }]);
      expect(aSeen).toEqual([{ topic: A_CMD, text: 'for-a' }]);
    });

    it("gateway A cannot read B's upstream (telemetry is central's only)", async () => {
      const a = await login('gw-a');
      const aSeen = collect(a);
      await trySubscribe(a, B_UP);
      await trySubscribe(a, CENTRAL_UP_FILTER);
      const [, centralSeen] = await centralWatching();
      const b = await login('gw-b');
      await b.publishAsync(B_UP, 'b-telemetry', { qos: 1 });
      await until(() => centralSeen.length === 1, 'telemetry at central');
      await pause(100);
      expect(aSeen).toEqual([]);
    });

    it("gateway A cannot take over B's session with B's client id", async () => {
      const b = await login('gw-b');
      let bClosed = false;
      b.on('close', () => {
        bClosed = true;
      });
      try {
        const intruder = await connectAs(broker.url, 'gw-a', ACCOUNTS['gw-a'], 'gw-b');
        open.push(intruder);
      } catch {
        // refused outright (aedes): also fine
      }
      await pause(200);
      expect(bClosed).toBe(false);
      expect(b.connected).toBe(true);
    });
  });
}
