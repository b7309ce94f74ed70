import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

function program(action: () => void): Command {
  const p = new Command('gridbill-x').exitOverride().configureOutput({ writeErr: () => {} });
  p.command('go').action(action);
  return p;
}

async function run(action: () => void, ...args: string[]) {
  const errors: string[] = [];
  const code = await runCli(program(action), ['node', 'gridbill-x', ...args], (t) =>
    errors.push(t),
  );
  return { code, errors };
}

describe('runCli', () => {
  it('returns 0 when the action succeeds', async () => {
    expect(await run(() => {}, 'go')).toEqual({ code: 0, errors: [] });
  });

  it('returns 2 for an unknown command (commander explains it)', async () => {
    expect((await run(() => {}, 'bogus')).code).toBe(2);
  });

  it('uses an error exitCode and names the program in the message', async () => {
    const bad = () => {
      throw Object.assign(new Error('config.json: meters.0.bus: unknown bus'), { exitCode: 2 });
    };
    expect(await run(bad, 'go')).toEqual({
      code: 2,
      errors: ['gridbill-x: config.json: meters.0.bus: unknown bus\n'],
    });
  });

  it('returns 1 for any other failure', async () => {
    const fail = () => {
      throw new Error('disk full');
    };
    expect(await run(fail, 'go')).toEqual({ code: 1, errors: ['gridbill-x: disk full\n'] });
  });
});
