import type { AddressInfo, Server } from 'node:net';
import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { AuthenticateError, Client } from 'aedes';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { MqttPrincipal } from './acl.js';
import { clientIdAllowed, mayPublish, maySubscribe, principalFor } from './acl.js';
import type { CredentialStore } from './credentials.js';

export interface BrokerStats {
  failedLogins: number;
  refusedPublishes: number;
  refusedSubscriptions: number;
}

export interface EmbeddedBroker {
  /** The gateways' listener, e.g. 'mqtt://127.0.0.1:41883' or 'mqtts://0.0.0.0:8883'. */
  readonly url: string;
  readonly port: number;
  /** Plain MQTT on 127.0.0.1 for central's own link (equals `url` without TLS). */
  readonly localUrl: string;
  readonly stats: BrokerStats;
  connectedClients(): number;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  credentials: CredentialStore;
  /** Default 127.0.0.1; listen on other interfaces only with `tls`. */
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** PEM certificate chain and key: the gateways' listener speaks MQTT over TLS. */
  tls?: { certPem: string; keyPem: string };
  log: Pick<Logger, 'info' | 'warn'>;
}

const NOT_AUTHORIZED = 5;
const BAD_CREDENTIALS = 4;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * Starts an aedes MQTT 3.1.1 broker inside the central process with per-gateway passwords and
 * the topic ACL of acl.ts: a gateway publishes only under gridbill/gw/<id>/up/ and reads only
 * gridbill/gw/<id>/cmd/. Refused publishes close the client (MQTT-3.3.5-2); refused
 * subscriptions get SUBACK 0x80.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { credentials, log } = options;
  const principals = new WeakMap<Client, MqttPrincipal>();
  const stats: BrokerStats = { failedLogins: 0, refusedPublishes: 0, refusedSubscriptions: 0 };
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const principal = username === undefined ? null : principalFor(username);
      const fail = (why: string, code: number) => {
        stats.failedLogins += 1;
        log.warn({ clientId: client.id, username }, `mqtt login refused: ${why}`);
        done(authError(why, code), false);
      };
      if (principal === null || username === undefined)
        return fail('unknown username', BAD_CREDENTIALS);
      if (!clientIdAllowed(principal, username, client.id)) {
        return fail(`client id '${client.id}' must equal the username`, NOT_AUTHORIZED);
      }
      credentials.check(username, password?.toString('utf8') ?? '').then(
        (ok) => {
          if (!ok) return fail('wrong password', BAD_CREDENTIALS);
          principals.set(client, principal);
          done(null, true);
        },
        () => fail('credential check failed', BAD_CREDENTIALS),
      );
    },
    authorizePublish(client, packet, callback) {
      const principal = client === null ? undefined : principals.get(client);
      if (principal !== undefined && mayPublish(principal, packet.topic)) return callback(null);
      stats.refusedPublishes += 1;
      log.warn({ clientId: client?.id, topic: packet.topic }, 'mqtt publish refused by ACL');
      callback(new Error(`publish to ${packet.topic} not allowed`));
    },
    authorizeSubscribe(client, subscription, callback) {
      const principal = principals.get(client);
      if (principal !== undefined && maySubscribe(principal, subscription.topic)) {
        return callback(null, subscription);
      }
      stats.refusedSubscriptions += 1;
      log.warn(
        { clientId: client.id, filter: subscription.topic },
        'mqtt subscribe refused by ACL',
      );
      callback(null, null);
    },
  });
  const servers: Server[] = [];
  const main = options.tls
    ? createTlsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, broker.handle)
    : createServer(broker.handle);
  servers.push(main);
  // a port in use must not leave the broker's timers running (the process would never exit)
  const host = options.host ?? '127.0.0.1';
  const { address, port } = await listen(main, options.port ?? 0, host).catch(async (err) => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  });
  const url = `${options.tls ? 'mqtts' : 'mqtt'}://${address}:${port}`;
  let localUrl = url;
  if (options.tls) {
    const local = createServer(broker.handle);
    servers.push(local);
    localUrl = `mqtt://127.0.0.1:${(await listen(local, 0, '127.0.0.1')).port}`;
  }
  log.info({ url, localUrl }, 'embedded mqtt broker listening');
  return {
    url,
    port,
    localUrl,
    stats,
    connectedClients: () => broker.connectedClients,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const server of servers)
        await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server.address() as AddressInfo;
}
