import type { MqttClient } from 'mqtt';
import { connectAsync } from 'mqtt';

export interface Received {
  topic: string;
  text: string;
}

/** Connects with fixed credentials and no auto-reconnect; rejects when the broker refuses. */
export async function connectAs(
  url: string,
  username: string,
  password: string,
  clientId = username,
): Promise<MqttClient> {
  return connectAsync(url, {
    username,
    password,
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 3000,
  });
}

/** Records every message the client receives (attach before subscribing). */
export function collect(client: MqttClient): Received[] {
  const seen: Received[] = [];
  client.on('message', (topic, payload) => seen.push({ topic, text: payload.toString() }));
  return seen;
}

export async function until(condition: () => boolean, what: string, limitMs = 3000) {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (condition()) return;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
}

export const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export async function endAll(clients: (MqttClient | undefined)[]): Promise<void> {
  await Promise.all(clients.map((c) => c?.endAsync(true)));
}
