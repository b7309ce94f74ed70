import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram as central } from '../central/src/cli/main.js';
import { buildProgram as edge } from '../edge/src/cli/main.js';
import { buildProgram as sim } from '../hardware-sim/src/cli/main.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** `gridbill-edge probe dlms` etc.: every leaf command of a program. */
function leafCommands(cmd: Command, prefix: string): string[] {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  if (subs.length === 0) return [prefix];
  return subs.flatMap((c) => leafCommands(c, `${prefix} ${c.name()}`));
}

describe('README', () => {
  it('keeps exactly the two set-up commands', () => {
    const commands = readme.match(/^npm ci && npm \w+/gm);
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it.each([
    ['gridbill-central', central],
    ['gridbill-edge', edge],
    ['gridbill-sim', sim],
  ])('CLI reference names every %s command', (name, build) => {
    const leaves = leafCommands(build(), name);
    expect(leaves.length).toBeGreaterThan(2);
    const missing = leaves.filter((leaf) => !readme.includes(`\`${leaf}`));
    expect(missing).toEqual([]);
  });

  it('points at documentation files that exist', () => {
    const paths = [...readme.matchAll(/`((?:docs|deploy)\/[\w./-]+\.(?:md|yaml|env))`/g)];
    expect(paths.length).toBeGreaterThan(5);
    const root = join(import.meta.dirname, '..');
    for (const [, path] of paths) expect(() => readFileSync(join(root, path!))).not.toThrow();
  });
});
