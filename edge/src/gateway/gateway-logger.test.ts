import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGatewayLogger } from './gateway-logger.js';

describe('createGatewayLogger', () => {
  it.skipIf(!existsSync('/dev/full'))('survives ENOSPC on the log stream (/dev/full)', async () => {
    const errors: string[] = [];
    const { logger, droppedWrites } = createGatewayLogger({
      name: 'test',
      dest: '/dev/full',
      onWriteError: (err) => errors.push((err as NodeJS.ErrnoException).code ?? err.message),
    });
    for (let i = 0; i < 50; i++) logger.info({ i }, 'a line that cannot be written');
    for (let i = 0; i < 50 && droppedWrites() === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(droppedWrites()).toBeGreaterThan(0);
    expect(errors[0]).toBe('ENOSPC');
    logger.info('still alive'); // further writes do not throw either
  });
});
