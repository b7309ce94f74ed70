import type { Server, Socket } from 'node:net';
import { type IServiceVector, ServerTCP } from 'modbus-serial';
import { corruptFrame, frameUnitId } from './frame-corruption.js';

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Modbus TCP on one port serving every unit id through `vector` (modbus-serial ServerTCP).
 * `corrupt(unitId)` decides per response whether to garble it (corrupt-frames fault).
 * modbus-serial treats port 0 as 502, so pass a real port (see `freePort`).
 */
export async function startModbusTcp(options: {
  port: number;
  host?: string;
  vector: IServiceVector;
  corrupt(unitId: number): boolean;
}): Promise<ListeningServer> {
  const server = new ServerTCP(options.vector, {
    host: options.host ?? '127.0.0.1',
    port: options.port,
    unitID: 255,
  });
  const net = (server as unknown as { _server: Server })._server;
  net.on('connection', (sock: Socket) => {
    const write = sock.write.bind(sock) as (chunk: Buffer) => boolean;
    sock.setNoDelay(true);
    (sock as { write: (chunk: Buffer) => boolean }).write = (chunk: Buffer) => {
      const unit = frameUnitId(chunk, 'tcp');
      return write(
        unit !== undefined && options.corrupt(unit) ? corruptFrame(chunk, 'tcp') : chunk,
      );
    };
  });
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (err) =>
      reject(new Error(`modbus tcp port ${options.port}: ${(err as Error).message}`)),
    );
  });
  return {
    port: options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
