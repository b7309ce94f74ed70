import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Mount } from '../api/app.js';
import { createHttpApp } from '../api/app.js';
import type { AppContext } from './context.js';

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Serves the app on host:port (port 0 = a free port); resolves once listening. */
export function startServer(
  ctx: AppContext,
  opts: { port: number; host?: string; mounts?: Mount[] },
): Promise<RunningServer> {
  const { app } = createHttpApp(ctx, opts.mounts);
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const server = serve(
      { fetch: app.fetch, port: opts.port, hostname: host },
      (info: AddressInfo) => {
        resolve({
          port: info.port,
          url: `http://${host}:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              if ('closeAllConnections' in server)
                (server as { closeAllConnections(): void }).closeAllConnections();
              server.close(() => done());
            }),
        });
      },
    );
  });
}
