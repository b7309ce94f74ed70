import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Faults the proxy can inject, each applied to the next matching request(s):
 * - 'drop-request': the request never reaches upstream; the client's connection is reset.
 * - 'drop-response': upstream handles (commits) the request, then the client's connection is
 *   reset instead of getting the answer (the "2xx lost after commit" case).
 * - 'duplicate': upstream receives the request twice in a row; the client gets the 2nd answer.
 * - 'reorder': hold `count` matching requests, then forward them in reverse arrival order.
 */
export type FaultKind = 'drop-request' | 'drop-response' | 'duplicate' | 'reorder';

export interface FaultRule {
  kind: FaultKind;
  /** Requests this rule applies to (default all), e.g. `(r) => r.path.startsWith('/sync')`. */
  match?: (request: ProxiedRequest) => boolean;
  /** How many requests (or, for 'reorder', the group size) before the rule is used up. */
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProxyStats {
  received: number;
  forwarded: number;
  droppedRequests: number;
  droppedResponses: number;
  duplicated: number;
  reordered: number;
  refusedConnections: number;
}

interface UpstreamAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface ActiveRule extends FaultRule {
  remaining: number;
  held: { request: ProxiedRequest; res: ServerResponse }[];
}

export interface FaultProxy {
  /** Base URL of the proxy, e.g. 'http://127.0.0.1:40123'. */
  readonly url: string;
  readonly stats: ProxyStats;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Offline: every connection (new and open) is reset; online: traffic flows again. */
  setOnline(online: boolean): void;
  /** Forwards the held requests of unfinished 'reorder' rules (reverse order) and drops them. */
  flushHeld(): Promise<void>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

function plainHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function forward(upstream: URL, request: ProxiedRequest): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'content-length': String(request.body.length) },
        agent: false,
      },
      (res) => {
        readBody(res).then(
          (body) =>
            resolve({ status: res.statusCode ?? 502, headers: plainHeaders(res.headers), body }),
          reject,
        );
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

function reply(res: ServerResponse, answer: UpstreamAnswer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
  res.end(answer.body);
}

function reset(res: ServerResponse): void {
  res.socket?.destroy();
}

/**
 * Starts a fault-injecting HTTP proxy on 127.0.0.1 (random free port) in front of `upstreamUrl`.
 * Example: const proxy = await startFaultProxy('http://127.0.0.1:8080');
 *          proxy.addFault({ kind: 'drop-response', times: 1 }); // next POST commits, answer lost
 */
export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const rules: ActiveRule[] = [];
  const sockets = new Set<Socket>();
  const stats: ProxyStats = {
    received: 0,
    forwarded: 0,
    droppedRequests: 0,
    droppedResponses: 0,
    duplicated: 0,
    reordered: 0,
    refusedConnections: 0,
  };
  let online = true;

  const send = async (request: ProxiedRequest): Promise<UpstreamAnswer> => {
    stats.forwarded += 1;
    return forward(upstream, request);
  };

  const releaseHeld = async (rule: ActiveRule): Promise<void> => {
    const held = rule.held.splice(0).reverse();
    for (const { request, res } of held) {
      stats.reordered += 1;
      try {
        reply(res, await send(request));
      } catch {
        reset(res);
      }
    }
  };

  const takeRule = (request: ProxiedRequest): ActiveRule | undefined => {
    const rule = rules.find((r) => r.remaining > 0 && (r.match?.(request) ?? true));
    if (rule !== undefined && rule.kind !== 'reorder') rule.remaining -= 1;
    return rule;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: plainHeaders(req.headers),
      body: await readBody(req),
    };
    stats.received += 1;
    if (!online) return reset(res);
    const rule = takeRule(request);
    switch (rule?.kind) {
      case 'drop-request':
        stats.droppedRequests += 1;
        return reset(res);
      case 'drop-response':
        await send(request);
        stats.droppedResponses += 1;
        return reset(res);
      case 'duplicate':
        await send(request);
        stats.duplicated += 1;
        return reply(res, await send(request));
      case 'reorder':
        rule.held.push({ request, res });
        if (rule.held.length >= rule.remaining) {
          rule.remaining = 0;
          await releaseHeld(rule);
        }
        return;
      default:
        return reply(res, await send(request));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => reset(res));
  });
  server.on('connection', (socket) => {
    if (!online) {
      stats.refusedConnections += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    addFault(rule) {
      const remaining = rule.times ?? (rule.kind === 'reorder' ? 2 : 1);
      if (!Number.isInteger(remaining) || remaining < 1) {
        throw new RangeError(
          `fault ${rule.kind}: times must be a positive integer, got ${remaining}`,
        );
      }
      rules.push({ ...rule, remaining, held: [] });
    },
    clearFaults() {
      rules.splice(0);
    },
    setOnline(value) {
      online = value;
      if (!value) for (const socket of sockets) socket.destroy();
    },
    async flushHeld() {
      for (const rule of rules) {
        rule.remaining = 0;
        await releaseHeld(rule);
      }
    },
    async close() {
      for (const rule of rules) for (const { res } of rule.held.splice(0)) reset(res);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
