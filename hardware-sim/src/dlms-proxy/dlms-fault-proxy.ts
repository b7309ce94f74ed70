import { connect, createServer, type Socket } from 'node:net';
import type { Clock } from '@gridbill/shared/clock';
import type { SimMeter } from '../sim/simulator.js';
import {
  accessDeniedReply,
  corruptDlmsFrame,
  type DlmsTcpTransport,
  frameServerAddress,
  splitFrames,
} from './dlms-frames.js';

export interface DlmsProxyOptions {
  transport: DlmsTcpTransport;
  host: string;
  port: number;
  upstreamPort: number;
  meterFor(serverAddress: number): SimMeter | undefined;
  now(): number;
  timers: Clock;
}

/**
 * A TCP proxy in front of the DLMS server that applies each meter's wire faults per frame:
 * no-answer / power-outage drop requests, slow-answer delays them, dlms-access-denied answers
 * plain GET/SET with read-write-denied (wrapper), corrupt-frames garbles responses.
 */
export async function startDlmsFaultProxy(o: DlmsProxyOptions) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(o.upstreamPort, o.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    pipeFrames(o, client, (frame) => forwardRequest(o, frame, client, upstream));
    pipeFrames(o, upstream, (frame) => {
      const meter = o.meterFor(frameServerAddress(o.transport, frame, 'client') ?? -1);
      const corrupt = meter?.model.activeFault('corrupt-frames', o.now());
      client.write(corrupt ? corruptDlmsFrame(o.transport, frame) : frame);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Splits a socket's stream into frames and hands them on in order (frames may be delayed). */
function pipeFrames(o: DlmsProxyOptions, from: Socket, handle: (frame: Uint8Array) => unknown) {
  let rest: Uint8Array = new Uint8Array(0);
  let queue: Promise<unknown> = Promise.resolve();
  from.on('data', (chunk: Buffer) => {
    const joined = new Uint8Array(rest.length + chunk.length);
    joined.set(rest);
    joined.set(chunk, rest.length);
    try {
      const split = splitFrames(o.transport, joined);
      rest = split.rest;
      for (const frame of split.frames) queue = queue.then(() => handle(frame));
    } catch {
      from.destroy();
    }
  });
}

async function forwardRequest(o: DlmsProxyOptions, frame: Uint8Array, client: Socket, up: Socket) {
  const meter = o.meterFor(frameServerAddress(o.transport, frame, 'server') ?? -1);
  const now = o.now();
  const fault = (kind: Parameters<SimMeter['model']['activeFault']>[0]) =>
    meter?.model.activeFault(kind, now);
  if (fault('no-answer') || fault('power-outage')) return;
  const slow = fault('slow-answer');
  if (slow?.kind === 'slow-answer') await o.timers.sleep(slow.params.delayMs);
  const denied =
    fault('dlms-access-denied') && o.transport === 'wrapper' && accessDeniedReply(frame);
  if (denied) client.write(denied);
  else up.write(frame);
}
