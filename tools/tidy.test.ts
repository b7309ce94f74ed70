import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatViolations,
  maskCommentsAndStrings,
  splitSource,
  type Violation,
  tidy,
} from './tidy.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const pkg = (name: string, extra: object = {}): string =>
  JSON.stringify({
    name,
    type: 'module',
    exports: { '.': './src/index.ts', './*': './src/*/index.ts' },
    ...extra,
  });

/** A small clean tree shaped like the repository. */
const BASE: Record<string, string> = {
  'package.json': JSON.stringify({
    workspaces: ['shared', 'edge'],
    scripts: { b: 'node bench/run.js' },
  }),
  'shared/package.json': pkg('@gridbill/shared'),
  'edge/package.json': pkg('@gridbill/edge', {
    bin: { 'gridbill-edge': './bin/gridbill-edge.js' },
  }),
  'shared/src/index.ts': "export * from './clock/index.js';\n",
  'shared/src/clock/index.ts': "export { createSystemClock } from './system-clock.js';\n",
  'shared/src/clock/system-clock.ts':
    'export const createSystemClock = () => ({\n' +
    '  wallMs: () => Date.now(),\n  monoMs: () => performance.now(),\n  d: () => new Date(),\n' +
    '  r: () => Math.random(),\n});\n',
  'shared/src/money/index.ts': "export { add } from './add.js';\n",
  'shared/src/money/add.ts':
    "import { ZERO } from './zero.js';\n" +
    'export const add = (a: bigint, b: bigint) => a + b + ZERO;\n',
  'shared/src/money/zero.ts': 'export const ZERO = 0n;\n',
  'edge/bin/gridbill-edge.js': "const { main } = await import('../src/cli/main.ts');\nmain();\n",
  'edge/src/cli/main.ts':
    "import { add } from '@gridbill/shared/money';\nimport { helper } from './helper.js';\n" +
    'export const main = () => helper(add(1n, 2n));\n',
  'edge/src/cli/helper.ts': 'export function helper(x: bigint) {\n  return x;\n}\n',
  'edge/src/worker/job.ts': 'export const job = 1;\n',
  'edge/src/worker/job.test.ts': "import { job } from './job.js';\nexport const t = job;\n",
  'bench/run.js': 'const t0 = performance.now();\nconsole.log(performance.now() - t0);\n',
};

function makeTree(overrides: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'gridbill-tidy-'));
  roots.push(root);
  for (const [file, text] of Object.entries({ ...BASE, ...overrides })) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const brief = (vs: Violation[]): string[] => vs.map((v) => `${v.file}:${v.line}:${v.rule}`);

describe('tidy on planted trees', () => {
  it('a clean tree has no violations (clock module, bench timing, scripts, bins)', () => {
    expect(tidy(makeTree())).toEqual([]);
  });

  it.each([
    ['const t = Date.now();', 'no-date-now'],
    ['const t = Date . now ();', 'no-date-now'],
    ['const d = new Date();', 'no-new-date'],
    ['const d = new Date;', 'no-new-date'],
    ['const s = Date();', 'no-new-date'],
    ['const r = Math.random();', 'no-math-random'],
    ['const m = performance.now();', 'no-performance-now'],
    ['const s = `at \u0024{Date.now()}`;', 'no-date-now'],
    ["const re = /'/; const t = Date.now();", 'no-date-now'],
  ])('catches %s as %s with file and line', (code, rule) => {
    const root = makeTree({
      'edge/src/cli/helper.ts': `export function helper(x: bigint) {\n  ${code}\n  return x;\n}\n`,
    });
    expect(brief(tidy(root))).toEqual([`edge/src/cli/helper.ts:2:${rule}`]);
  });

  it.each([
    '// Date.now() in a comment',
    "const s = 'Math.random() in a string';",
    'const s = `new Date() in template text`;',
    '/* performance.now() */ const d = new Date(0);',
    'const d = new Date(clock.wallMs());',
    'const x = myDate.now() + obj.Date.now();',
  ])('does not flag %s', (code) => {
    const root = makeTree({
      'edge/src/cli/helper.ts': `export function helper(x: bigint) {\n  ${code}\n  return x;\n}\n`,
    });
    expect(tidy(root)).toEqual([]);
  });

  // SQL is spelled with \u escapes here so this file does not trip the rule itself.
  it.each([
    ['db.prepare("INSERT INTO t VALUES (\u006eow())")', 'now call'],
    ['db.exec(`UPDATE t SET at = CURRENT\u005fTIMESTAMP`)', 'current timestamp'],
    ["db.exec(`SELECT strftime('%s', '\u006eow')`)", 'the string now'],
    ['sql`SELECT clock\u005ftimestamp()`', 'clock timestamp'],
  ])('no-sql-now: catches %s (%s)', (code) => {
    const root = makeTree({ 'edge/src/cli/helper.ts': `export const h = 1;\n${code};\n` });
    expect(brief(tidy(root))).toEqual(['edge/src/cli/helper.ts:2:no-sql-now']);
  });

  it('no-sql-now: ignores code calls such as sim.now and the plain word now', () => {
    const root = makeTree({
      'edge/src/cli/helper.ts':
        'export const h = (sim: { \u006eow(): number }) => sim.\u006eow() + \u006eow();\n' +
        "const label = 'pay now';\n// SELECT \u006eow() in a comment\n",
    });
    expect(tidy(root)).toEqual([]);
  });

  it('allows performance.now() in bench/ only, Date.now() in bench/ is still caught', () => {
    const root = makeTree({
      'bench/run.js': 'const a = performance.now();\nconst b = Date.now();\n',
    });
    expect(brief(tidy(root))).toEqual(['bench/run.js:2:no-date-now']);
  });

  it.each([['parseFloat(t)'], ['Number.parseFloat(t)'], ['amount.toFixed(2)'], ['Number(t)']])(
    'catches %s on a money path',
    (expr) => {
      const root = makeTree({
        'shared/src/money/zero.ts': `export const ZERO = 0n;\nexport const f = (t) => ${expr};\n`,
      });
      expect(brief(tidy(root))).toEqual(['shared/src/money/zero.ts:2:money-number']);
    },
  );

  it.each(['tariff', 'ledger', 'payment', 'balance', 'billing', 'rating', 'topup', 'token'])(
    'treats paths naming %s as money paths',
    (word) => {
      const file = `edge/src/${word}-x/calc.ts`;
      const root = makeTree({
        [file]: 'export const v = Number("1");\n',
        [`edge/src/${word}-x/calc.test.ts`]: "import './calc.js';\n",
      });
      expect(brief(tidy(root))).toEqual([`${file}:1:money-number`]);
    },
  );

  it('money-number: opt-out needs a reason; other paths and Number.isInteger are fine', () => {
    const root = makeTree({
      'shared/src/money/zero.ts':
        'export const ZERO = 0n;\n' +
        'export const a = Number(row.ms); // tidy:allow-number epoch ms, not money\n' +
        'export const b = Number(row.ms); // tidy:allow-number\n' +
        'export const c = Number.isInteger(1);\n',
      'edge/src/cli/helper.ts':
        'export const helper = (x: bigint) => Number(x) + parseFloat("1");\n',
    });
    expect(brief(tidy(root))).toEqual(['shared/src/money/zero.ts:3:money-number']);
  });

  it('shared-io: I/O and process in shared/src; tests, edge, node:crypto are fine', () => {
    const root = makeTree({
      'shared/src/money/zero.ts':
        "import { readFileSync } from 'node:fs';\n" +
        "import { hash } from 'node:crypto';\n" +
        'export const ZERO = 0n;\n' +
        'export const home = process.env.HOME;\n' +
        "export const os = () => import('os');\n",
      'shared/src/money/zero.test.ts':
        "import { readFileSync } from 'node:fs';\nimport './zero.js';\nprocess.env.X;\n",
      'edge/src/cli/helper.ts':
        "import { readFileSync } from 'node:fs';\nexport const helper = () => process.pid;\n",
    });
    expect(brief(tidy(root))).toEqual([
      'shared/src/money/zero.ts:1:shared-io',
      'shared/src/money/zero.ts:4:shared-io',
      'shared/src/money/zero.ts:5:shared-io',
    ]);
  });

  it('line-length: 101 columns caught, 100 fine, fixtures skipped', () => {
    const root = makeTree({
      'edge/src/cli/helper.ts': `export const h = 1;\n// ${'a'.repeat(97)}\n// ${'b'.repeat(98)}\n`,
      'edge/test/fixtures/long.ts': `// ${'c'.repeat(200)}\n`,
    });
    const vs = tidy(root);
    expect(brief(vs)).toEqual(['edge/src/cli/helper.ts:3:line-length']);
    expect(vs[0]?.message).toBe('101 columns, limit 100');
  });

  it('unreachable: an orphan and what only it imports are caught; comments do not count', () => {
    const root = makeTree({
      'edge/src/cli/orphan.ts': "import { x } from './orphan-dep.js';\nexport const o = x;\n",
      'edge/src/cli/orphan-dep.ts': 'export const x = 1;\n',
      'edge/src/cli/main.ts': `${BASE['edge/src/cli/main.ts']}// import './orphan.js';\n`,
    });
    expect(brief(tidy(root))).toEqual([
      'edge/src/cli/orphan-dep.ts:1:unreachable',
      'edge/src/cli/orphan.ts:1:unreachable',
    ]);
  });

  it('unreachable: exports targets, tests, tidy:entry marks, import.meta URLs are entries', () => {
    const root = makeTree({
      'edge/src/relay/index.ts': 'export const relay = 1;\n',
      'edge/src/daemon/child.ts': '// tidy:entry spawned by tests as a child process\n',
      'edge/src/daemon/child-dep.ts': 'export const d = 1;\n',
      'edge/src/worker/job.ts':
        'export const job = 1;\n' +
        "export const u = new URL('../daemon/child-dep.ts', import.meta.url);\n",
    });
    expect(tidy(root)).toEqual([]);
  });

  it('formats violations as file:line: rule: message', () => {
    const root = makeTree({
      'edge/src/cli/helper.ts': 'export const helper = () => Math.random();\n',
    });
    expect(formatViolations(tidy(root))).toBe(
      'edge/src/cli/helper.ts:1: no-math-random: Math.random() is not reproducible; ' +
        'inject a RandomSource (@gridbill/shared/ids)',
    );
  });
});

describe('splitSource', () => {
  it('keeps only string text in the strings view (the documented example)', () => {
    expect(splitSource("q('SELECT 1') // x").strings).toBe('   SELECT 1       ');
  });
});

describe('maskCommentsAndStrings', () => {
  it('blanks comments and literal text but keeps code, template expressions and lines', () => {
    const open = '\u0024{';
    const text = `a('x') // y\nb(\`t ${open}c('z')} u\`) /* w\n */ d`;
    const masked = maskCommentsAndStrings(text);
    expect(masked).toBe(`a(' ') //  \nb(\`  ${open}c(' ')}  \`) /*  \n */ d`);
    expect(masked.length).toBe(text.length);
  });
});

/**
 * The real repository. Violations in files owned by other work in progress are listed in
 * `tools/tidy-known.txt` (file, rule, count); anything beyond that fails. Entries that no
 * longer occur only print a warning (fixing a file must not break the build); lower them.
 */
describe('tidy on this repository', () => {
  it('finds no violations beyond tools/tidy-known.txt', () => {
    const root = join(dirname(new URL(import.meta.url).pathname), '..');
    const counts = new Map<string, number>();
    for (const v of tidy(root)) {
      const key = `${v.file} ${v.rule}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const known = new Map<string, number>();
    for (const raw of readFileSync(join(root, 'tools/tidy-known.txt'), 'utf8').split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const [file, rule, count] = line.split(/\s+/);
      if (file && rule && count) known.set(`${file} ${rule}`, Number.parseInt(count, 10));
    }
    const fresh = [...counts].filter(([key, n]) => n > (known.get(key) ?? 0));
    const stale = [...known].filter(([key, n]) => (counts.get(key) ?? 0) < n);
    expect(
      fresh.map(([key, n]) => `${key} ×${n}`),
      'new violations',
    ).toEqual([]);
    if (stale.length > 0) {
      const list = stale.map(([key, n]) => `${key} (listed ${n}, found ${counts.get(key) ?? 0})`);
      console.warn(`tools/tidy-known.txt can shrink:\n  ${list.join('\n  ')}`);
    }
  });
});
