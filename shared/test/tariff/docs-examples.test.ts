import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DocExample } from './doc-examples.js';
import { exampleBlocks, renderExample } from './doc-examples.js';

const md = readFileSync(
  fileURLToPath(new URL('../../../docs/tariffs.md', import.meta.url)),
  'utf8',
);
const blocks = exampleBlocks(md);

describe('docs/tariffs.md examples produce exactly the lines shown', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
  });
  for (const b of blocks) {
    it(b.name, () => {
      expect(b.output).toBeDefined();
      expect(renderExample(JSON.parse(b.input) as DocExample)).toBe(b.output);
    });
  }
});
