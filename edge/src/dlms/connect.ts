import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '@gridbill/shared/clock';
import { serverHdlcAddress } from '@gridbill/shared/dlms';
import { SerialPort } from 'serialport';
import { DlmsTimeoutError } from './errors.js';
import { hdlcTransport } from './hdlc-transport.js';
import { DEFAULT_TIMING, type DlmsTransport, type LinkTiming } from './transport.js';
import { wrapperTransport } from './wrapper-transport.js';

export interface TransportOptions {
  transport: 'wrapper' | 'hdlc' | 'hdlc-serial';
  host?: string;
  port?: number;
  serialPath?: string;
  baudRate?: number;
  clientAddress: number;
  serverAddress: number;
  /** HDLC lower (physical) address; omitted = 1-byte server address. */
  physicalAddress?: number;
  maxInfoBytes?: number;
  timing?: Partial<LinkTiming>;
  /** Exclusive lock on the serial device (default true; PTYs from socat cannot be locked). */
  lockSerial?: boolean;
}

/**
 * Opens the byte stream and builds the transport.
 * Example: `{ transport: 'hdlc', host: '127.0.0.1', port: 4059, clientAddress: 16,
 * serverAddress: 1 }` → HDLC over TCP, SNRM/UA done.
 */
export async function connectTransport(o: TransportOptions, clock: Clock): Promise<DlmsTransport> {
  const timing = { ...DEFAULT_TIMING, ...o.timing };
  const stream =
    o.transport === 'hdlc-serial' ? await openSerial(o) : await openTcp(o, timing, clock);
  const where =
    o.transport === 'hdlc-serial' ? `serial ${o.serialPath}` : `tcp ${o.host}:${o.port}`;
  const description = `${where} (${o.transport})`;
  const transport =
    o.transport === 'wrapper'
      ? wrapperTransport(
          stream,
          { client: o.clientAddress, server: o.serverAddress },
          timing,
          clock,
          description,
        )
      : hdlcTransport(
          stream,
          {
            client: o.clientAddress,
            server: serverHdlcAddress(o.serverAddress, o.physicalAddress),
          },
          timing,
          clock,
          description,
          o.maxInfoBytes,
        );
  try {
    await transport.open();
  } catch (err) {
    stream.destroy();
    throw err;
  }
  return transport;
}

function openTcp(o: TransportOptions, timing: LinkTiming, clock: Clock): Promise<Duplex> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host: o.host ?? '127.0.0.1', port: o.port ?? 4059 });
    const timer = clock.setTimeout(() => {
      socket.destroy();
      reject(
        new DlmsTimeoutError(`TCP connection to ${o.host}:${o.port}`, timing.responseTimeoutMs),
      );
    }, timing.responseTimeoutMs);
    socket.once('connect', () => {
      clock.clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clock.clearTimeout(timer);
      reject(new Error(`cannot connect to ${o.host}:${o.port}: ${err.message}`));
    });
  });
}

function openSerial(o: TransportOptions): Promise<Duplex> {
  if (!o.serialPath) throw new Error("transport 'hdlc-serial' needs a serial device (--serial)");
  const port = new SerialPort({
    path: o.serialPath,
    baudRate: o.baudRate ?? 9600,
    autoOpen: false,
    lock: o.lockSerial ?? true,
  });
  return new Promise((resolve, reject) =>
    port.open((err) =>
      err ? reject(new Error(`cannot open ${o.serialPath}: ${err.message}`)) : resolve(port),
    ),
  );
}
