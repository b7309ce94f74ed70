import pino, { type Logger } from 'pino';

export interface GatewayLoggerOptions {
  name: string;
  /** File descriptor or path (default 1, stdout). */
  dest?: number | string;
  level?: string;
  /** Called for each failed log write (e.g. ENOSPC on a full log disk). */
  onWriteError?: (err: Error) => void;
}

/**
 * The daemon's pino logger. A failed write (disk full: ENOSPC) must not kill the gateway: an
 * `'error'` on a stream nobody listens to ends a Node process, so the error is caught,
 * counted and the lines are dropped; logging resumes when writes succeed again.
 *
 * @example
 * const { logger, droppedWrites } = createGatewayLogger({ name: 'gw', dest: '/dev/full' })
 * logger.info('x') // no crash; droppedWrites() → 1 once the write failed
 */
export function createGatewayLogger(o: GatewayLoggerOptions): {
  logger: Logger;
  droppedWrites: () => number;
} {
  let dropped = 0;
  const stream = pino.destination({ dest: o.dest ?? 1, sync: false });
  stream.on('error', (err: Error) => {
    dropped += 1;
    o.onWriteError?.(err);
  });
  const logger = pino({ name: o.name, level: o.level ?? 'info' }, stream);
  return { logger, droppedWrites: () => dropped };
}
