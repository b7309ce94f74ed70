import { createServer, type Socket } from 'node:net';
import { fromHex } from '@gridbill/shared/dlms';
import { SerialPort } from 'serialport';
import type {
  DlmsServerHandle,
  DlmsServerOptions,
  MeterBackend,
  MeterInvocationCounters,
  MeterSecurity,
} from './meter-backend.js';
import { buildObjectModel } from './object-model.js';
import {
  hdlcServerLink,
  type ServerLink,
  type SessionLookup,
  wrapperServerLink,
} from './server-links.js';
import { memoryCounters } from './server-security.js';
import { DlmsServerSession } from './server-session.js';

/** Gurux example-meter defaults: for tests and the simulator's demo fleet only. */
export const DEFAULT_METER_SECURITY: MeterSecurity = {
  systemTitle: fromHex('4142434445464748'),
  blockCipherKey: fromHex('000102030405060708090A0B0C0D0E0F'),
  authenticationKey: fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
  llsPassword: 'Gurux',
};

/**
 * Starts a DLMS/COSEM server for virtual meters on TCP (wrapper or HDLC) or a serial port.
 * Example: `await startDlmsServer({ backend: () => meter, transport: 'wrapper', port: 0 })`
 * → `{ port: 40123, close }`.
 */
export async function startDlmsServer(options: DlmsServerOptions): Promise<DlmsServerHandle> {
  const factory = sessionFactory(options);
  const makeLink = (write: (b: Uint8Array) => void): ServerLink => {
    const lookup = factory();
    return options.transport === 'wrapper'
      ? wrapperServerLink(write, lookup)
      : hdlcServerLink(write, lookup, { maxInfoBytes: options.maxInfoBytes ?? 128 });
  };
  if (options.transport === 'hdlc-serial') return startSerial(options, makeLink);
  return startTcp(options, makeLink);
}

async function startTcp(
  options: DlmsServerOptions,
  makeLink: (write: (b: Uint8Array) => void) => ServerLink,
): Promise<DlmsServerHandle> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const link = makeLink((b) => socket.write(b));
    socket.on('data', (chunk) => {
      try {
        link.onData(chunk);
      } catch (err) {
        options.logger?.warn({ err: String(err) }, 'dlms link error; closing connection');
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  options.logger?.info({ port, transport: options.transport }, 'dlms server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function startSerial(
  options: DlmsServerOptions,
  makeLink: (write: (b: Uint8Array) => void) => ServerLink,
): Promise<DlmsServerHandle> {
  if (!options.serialPath) throw new Error("transport 'hdlc-serial' needs serialPath");
  const port = new SerialPort({
    path: options.serialPath,
    baudRate: options.baudRate ?? 9600,
    autoOpen: false,
    lock: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const link = makeLink((b) => port.write(Buffer.from(b)));
  port.on('data', (chunk: Buffer) => {
    try {
      link.onData(chunk);
    } catch (err) {
      options.logger?.warn({ err: String(err) }, 'dlms serial link error');
    }
  });
  return {
    port: 0,
    close: () =>
      new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

/** One session per (server address, client SAP) per link; objects are built per backend. */
function sessionFactory(options: DlmsServerOptions): () => SessionLookup {
  const security = options.security ?? DEFAULT_METER_SECURITY;
  const random = options.random ?? deterministicChallenge();
  const countersByBackend = new WeakMap<MeterBackend, MeterInvocationCounters>();
  const countersFor = (b: MeterBackend) => {
    const own = b.invocationCounters?.();
    if (own) return own;
    let c = countersByBackend.get(b);
    if (!c) countersByBackend.set(b, (c = memoryCounters()));
    return c;
  };
  return () => {
    const sessions = new Map<string, DlmsServerSession>();
    return (serverAddress, clientSap) => {
      const backend = options.backend(serverAddress);
      if (!backend) return undefined;
      const key = `${serverAddress}/${clientSap}`;
      let session = sessions.get(key);
      if (!session) {
        const counters = countersFor(backend);
        let created: DlmsServerSession | undefined;
        const objects = buildObjectModel(
          backend,
          {
            clientSystemTitle: () => created?.peerSystemTitle ?? new Uint8Array(8),
            serverSystemTitle: security.systemTitle,
          },
          () => counters.lowestClientIc(),
        );
        created = new DlmsServerSession({
          clientSap,
          objects,
          security,
          counters,
          random,
          maxPduBytes: options.maxPduBytes ?? 512,
        });
        session = created;
        sessions.set(key, session);
      }
      return session;
    };
  };
}

/** Fallback challenge source: a counter-based sequence (tests inject a seeded source). */
function deterministicChallenge(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    counter++;
    return Uint8Array.from({ length: n }, (_, i) => (counter * 31 + i * 7) & 0xff);
  };
}
