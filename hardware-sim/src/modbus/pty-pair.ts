import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import type { Clock } from '@gridbill/shared/clock';

export interface PtyPair {
  /** The simulator's end (real /dev/pts/N path). */
  simPath: string;
  /** The symlink clients (gateway, mbpoll) open. */
  clientLink: string;
  close(): Promise<void>;
}

/**
 * Makes a connected pair of pseudo-terminals with socat: clients open `clientLink`, the
 * simulator opens the other end. Waits (up to 5 s) for both links to appear.
 *
 * @example await createPtyPair('/tmp/gridbill-bus1', clock)
 *   // { simPath: '/dev/pts/7', clientLink: '/tmp/gridbill-bus1', close }
 */
export async function createPtyPair(clientLink: string, timers: Clock): Promise<PtyPair> {
  const simLink = `${clientLink}.sim`;
  // Links left by a killed run would look ready before socat made the new pair.
  for (const link of [simLink, clientLink]) rmSync(link, { force: true });
  const child: ChildProcess = spawn(
    'socat',
    [`PTY,raw,echo=0,link=${simLink}`, `PTY,raw,echo=0,link=${clientLink}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waitedMs = 0; !(existsSync(simLink) && existsSync(clientLink)); waitedMs += 20) {
    if (child.exitCode !== null || waitedMs > 5000) {
      child.kill();
      throw new Error(
        `socat could not create PTY pair ${clientLink}: ${stderr.trim() || 'timeout'}`,
      );
    }
    await timers.sleep(20);
  }
  return {
    simPath: realpathSync(simLink),
    clientLink,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
