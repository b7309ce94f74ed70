// Fills the ```text example NAME``` blocks of docs/tariffs.md from the engine.
// Run: npx tsx shared/test/tariff/fill-doc-examples.ts (then review the diff).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DocExample } from './doc-examples.js';
import { exampleBlocks, renderExample } from './doc-examples.js';

const file = fileURLToPath(new URL('../../../docs/tariffs.md', import.meta.url));
let md = readFileSync(file, 'utf8');
for (const b of exampleBlocks(md)) {
  const lines = renderExample(JSON.parse(b.input) as DocExample);
  const block = `\`\`\`text example ${b.name}\n${lines}\n\`\`\``;
  const existing = new RegExp(`\`\`\`text example ${b.name}\\n[\\s\\S]*?\`\`\``);
  md = existing.test(md)
    ? md.replace(existing, block)
    : md.replace(`\`\`\`json example ${b.name}\n${b.input}\`\`\``, (m) => `${m}\n\n${block}`);
}
writeFileSync(file, md);
