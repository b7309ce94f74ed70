/**
 * tidy: repository style checks that a linter does not do (after TigerBeetle's `tidy.zig`).
 *
 * Scans the tracked TypeScript/JavaScript source of shared, edge, central, hardware-sim, bench
 * and tools (skipping `fixtures/`) and reports, as `file:line: rule: message`:
 *
 * - `no-date-now`, `no-new-date`, `no-math-random`, `no-performance-now`: host clock and
 *   randomness outside `shared/src/clock/system-clock.ts` (inject a `Clock` / `RandomSource`).
 *   `performance.now()` is also allowed under `bench/`, where measuring is the point.
 * - `no-sql-now`: SQL clock functions in string literals (`now()`, `CURRENT_TIMESTAMP`,
 *   `datetime('now')`, ...): the database clock is not injectable; bind `clock.wallMs()`.
 * - `money-number`: `parseFloat`, `.toFixed(`, `Number(` in files whose path names money,
 *   tariff, ledger, payment, balance, billing, rating, topup or token. A line may opt out with
 *   `// tidy:allow-number <reason>` (the reason is required).
 * - `shared-io`: `shared/src/` (tests aside) imports an I/O module (`node:fs`, `node:net`,
 *   `node:child_process`, ...) or touches `process`: shared code is pure.
 * - `line-length`: lines over 100 columns.
 * - `unreachable`: files under `<workspace>/src/` imported by no entry point or test. Entry
 *   points: package `bin` and `exports` targets, files under `<workspace>/bin/`, test files
 *   (`*.test.*`, `*.spec.*`), `bench/` and `tools/` files, paths named in package scripts, and
 *   files carrying a `// tidy:entry <reason>` comment. Relative, `@gridbill/*` and
 *   `new URL('./x.ts', import.meta.url)` references are followed.
 *
 * API bans ignore comments and string literals. Run: `npx tsx tools/tidy.ts` (exit 1 on
 * violations; `--known` prints counts in the `tools/tidy-known.txt` format).
 * `tools/tidy.test.ts` runs it on the repository as part of `npm test`.
 *
 * @example tidy('/work/main')
 * // [{ file: 'edge/src/poll.ts', line: 12, rule: 'no-date-now',
 * //    message: 'Date.now() reads the host clock; use clock.wallMs() from an injected Clock' }]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

export type TidyRule =
  | 'no-date-now'
  | 'no-new-date'
  | 'no-math-random'
  | 'no-performance-now'
  | 'no-sql-now'
  | 'money-number'
  | 'shared-io'
  | 'line-length'
  | 'unreachable';

export interface Violation {
  /** path relative to the scanned root, with `/` separators */
  file: string;
  line: number;
  rule: TidyRule;
  message: string;
}

const SCANNED_DIRS = ['shared', 'edge', 'central', 'hardware-sim', 'bench', 'tools'];
const SOURCE_FILE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const SKIPPED_DIR = /(?:^|\/)(?:node_modules|dist-types|dist|fixtures|coverage|\.[^/]+)\//;
const MAX_COLUMNS = 100;
const CLOCK_MODULE = 'shared/src/clock/system-clock.ts';
const MONEY_PATH = /money|tariff|ledger|payment|balance|billing|rating|topup|token/i;
const ALLOW_NUMBER = /\/\/\s*tidy:allow-number\s+\S/;
const ENTRY_MARK = /\/\/\s*tidy:entry\s+\S/;

interface BannedApi {
  rule: TidyRule;
  pattern: RegExp;
  message: string;
  allowed: (file: string) => boolean;
}

const onlyClockModule = (file: string): boolean => file === CLOCK_MODULE;

const BANNED_APIS: BannedApi[] = [
  {
    rule: 'no-date-now',
    pattern: /(?<![\w$.])Date\s*\.\s*now\s*\(/,
    message: 'Date.now() reads the host clock; use clock.wallMs() from an injected Clock',
    allowed: onlyClockModule,
  },
  {
    rule: 'no-new-date',
    pattern: /(?<![\w$.])(?:new\s+Date\s*(?:\(\s*\)|(?![\s(]))|Date\s*\(\s*\))/,
    message: 'argument-less new Date() reads the host clock; use new Date(clock.wallMs())',
    allowed: onlyClockModule,
  },
  {
    rule: 'no-math-random',
    pattern: /(?<![\w$.])Math\s*\.\s*random\s*\(/,
    message: 'Math.random() is not reproducible; inject a RandomSource (@gridbill/shared/ids)',
    allowed: onlyClockModule,
  },
  {
    rule: 'no-performance-now',
    pattern: /(?<![\w$.])performance\s*\.\s*now\s*\(/,
    message: 'performance.now() reads the host clock; use clock.monoMs() from an injected Clock',
    allowed: (file) => file === CLOCK_MODULE || file.startsWith('bench/'),
  },
];

const MONEY_NUMBER_APIS: { pattern: RegExp; name: string }[] = [
  { pattern: /(?<![\w$])parseFloat\s*\(/, name: 'parseFloat' },
  { pattern: /\.\s*toFixed\s*\(/, name: '.toFixed(' },
  { pattern: /(?<![\w$.])Number\s*\(/, name: 'Number(' },
];

const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram'];
IO_MODULES.push('child_process', 'worker_threads', 'cluster', 'os', 'readline', 'tls', 'dns');
const IMPORT_START = String.raw`\b(?:from\s*|import\s*\(\s*|require\s*\(\s*)`;
const IO_MODULE = new RegExp(`${IMPORT_START}['"](?:node:)?(?:${IO_MODULES.join('|')})['"]`);
const SQL_CLOCK = new RegExp(
  [
    String.raw`(?<!\.\s*)(?<![\w$])now\s*\(\s*\)`,
    String.raw`\bcurrent_(?:timestamp|date)\b`,
    String.raw`\blocaltimestamp\b`,
    String.raw`\b(?:clock|statement|transaction)_timestamp\s*\(`,
    String.raw`\bunixepoch\s*\(\s*\)`,
    `['"]now['"]`,
  ].join('|'),
  'i',
);
const PROCESS_USE = /(?<![\w$.])process\s*\./;
const SHARED_SOURCE = /^shared\/src\/(?!.*\.(?:test|spec)\.[cm]?[jt]sx?$)/;

/** Runs every check on the tree at `root` (a git work tree, or any directory). */
export function tidy(root: string): Violation[] {
  const files = listSourceFiles(root);
  const sources = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const violations: Violation[] = [];
  for (const [file, text] of sources) violations.push(...checkFile(file, text));
  violations.push(...findUnreachable(root, sources));
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Line-level checks of one file (path relative to the root, `/` separators). */
export function checkFile(file: string, text: string): Violation[] {
  const out: Violation[] = [];
  const rawLines = text.split(/\r?\n/);
  const { code: codeText, strings: stringText } = splitSource(text);
  const codeLines = codeText.split(/\r?\n/);
  const stringLines = stringText.split(/\r?\n/);
  const moneyPath = MONEY_PATH.test(file);
  const sharedSource = SHARED_SOURCE.test(file);
  rawLines.forEach((raw, index) => {
    const line = index + 1;
    const code = codeLines[index] ?? '';
    const columns = [...raw].length;
    if (columns > MAX_COLUMNS) {
      const message = `${columns} columns, limit ${MAX_COLUMNS}`;
      out.push({ file, line, rule: 'line-length', message });
    }
    for (const api of BANNED_APIS) {
      if (!api.allowed(file) && api.pattern.test(code)) {
        out.push({ file, line, rule: api.rule, message: api.message });
      }
    }
    if (moneyPath && !ALLOW_NUMBER.test(raw)) out.push(...moneyNumber(file, line, code));
    if (SQL_CLOCK.test(stringLines[index] ?? '')) {
      const message = 'SQL reads the database clock; bind a time from the injected Clock';
      out.push({ file, line, rule: 'no-sql-now', message });
    }
    if (sharedSource && (IO_MODULE.test(raw) || PROCESS_USE.test(code))) {
      const message = 'shared/ is pure: no files, sockets, processes or environment; pass data in';
      out.push({ file, line, rule: 'shared-io', message });
    }
  });
  return out;
}

function moneyNumber(file: string, line: number, code: string): Violation[] {
  return MONEY_NUMBER_APIS.filter((api) => api.pattern.test(code)).map((api) => ({
    file,
    line,
    rule: 'money-number' as const,
    message:
      `${api.name} on a money path: use integers/bigint and parseDecimal/formatDecimal ` +
      '(@gridbill/shared/money), or add "// tidy:allow-number <reason>" for non-money numbers',
  }));
}

/** Tracked files (git) or all files (plain directory) that tidy looks at. */
export function listSourceFiles(root: string): string[] {
  const all = gitFiles(root) ?? walk(root, '');
  return all
    .map((f) => f.split(sep).join('/'))
    .filter((f) => SCANNED_DIRS.includes(f.split('/')[0] ?? ''))
    .filter((f) => SOURCE_FILE.test(f) && !SKIPPED_DIR.test(f))
    .filter((f) => existsSync(join(root, f)))
    .sort();
}

function gitFiles(root: string): string[] | undefined {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (normalize(top) !== normalize(root)) return undefined;
    const out = execFileSync('git', ['ls-files', '-z', '--cached'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return out.split('\0').filter((f) => f.length > 0);
  } catch {
    return undefined;
  }
}

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, rel)).isDirectory()) out.push(...walk(root, rel));
    else out.push(rel);
  }
  return out;
}

/**
 * Replaces the contents of comments and string/template literals with spaces (keeping line
 * breaks and `${…}` expressions), so API bans only see code.
 *
 * @example maskCommentsAndStrings("a('Date.now()') // x") // "a('          ') //  "
 */
export function maskCommentsAndStrings(text: string): string {
  return splitSource(text).code;
}

/**
 * Two same-length views of a source text: `code` (comments, string and regex contents
 * blanked) and `strings` (only string and template text kept, e.g. embedded SQL).
 *
 * @example splitSource("q('SELECT 1') // x").strings // "   SELECT 1       "
 */
export function splitSource(text: string): { code: string; strings: string } {
  const out = text.split('');
  const kept: [number, number][] = [];
  const blank = (from: number, to: number, isString = false): void => {
    if (isString) kept.push([from, to]);
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  const templateDepths: number[] = [];
  let braceDepth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = indexOrEnd(text, '\n', i);
      blank(i + 2, end);
      i = end;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end;
      blank(i + 2, stop);
      i = stop + 2;
    } else if (c === "'" || c === '"') {
      const end = quoteEnd(text, i);
      blank(i + 1, end, true);
      i = end + 1;
    } else if (c === '`' || (c === '}' && templateDepths.at(-1) === braceDepth)) {
      if (c === '}') templateDepths.pop();
      const { end, opensExpression } = templateEnd(text, i + 1);
      blank(i + 1, end, true);
      if (opensExpression) templateDepths.push(braceDepth);
      i = opensExpression ? end + 2 : end + 1;
    } else if (c === '/' && startsRegex(text, i)) {
      const end = regexEnd(text, i);
      blank(i + 1, end);
      i = end + 1;
    } else {
      if (c === '{') braceDepth++;
      else if (c === '}') braceDepth--;
      i++;
    }
  }
  return { code: out.join(''), strings: keepOnly(text, kept) };
}

function keepOnly(text: string, ranges: [number, number][]): string {
  const out = text.replace(/[^\r\n]/g, ' ').split('');
  for (const [from, to] of ranges) for (let k = from; k < to; k++) out[k] = text[k] ?? ' ';
  return out.join('');
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at < 0 ? text.length : at;
}

/** Index of the closing quote of the string starting at `start` (or end of line). */
function quoteEnd(text: string, start: number): number {
  const quote = text[start];
  for (let k = start + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === quote || text[k] === '\n') return k;
  }
  return text.length;
}

/** Scans template text from `from`: index of the closing backtick or of a `${`. */
function templateEnd(text: string, from: number): { end: number; opensExpression: boolean } {
  for (let k = from; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === '`') return { end: k, opensExpression: false };
    else if (text[k] === '$' && text[k + 1] === '{') return { end: k, opensExpression: true };
  }
  return { end: text.length, opensExpression: false };
}

/** A `/` starts a regex literal when the previous significant token cannot end a value. */
function startsRegex(text: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && /\s/.test(text[k] ?? '')) k--;
  if (k < 0) return true;
  const prev = text[k] ?? '';
  if ('(,=:[!&|?{};+-*%<>~^'.includes(prev)) return true;
  const word = /[A-Za-z_$][\w$]*$/.exec(text.slice(Math.max(0, k - 10), k + 1))?.[0];
  return word === 'return' || word === 'typeof' || word === 'case' || word === 'of';
}

function regexEnd(text: string, start: number): number {
  let inClass = false;
  for (let k = start + 1; k < text.length; k++) {
    const c = text[k];
    if (c === '\\') k++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if ((c === '/' && !inClass) || c === '\n') return k;
  }
  return text.length;
}

interface Workspace {
  dir: string;
  name: string;
  exports: Record<string, string>;
  bins: string[];
  scripts: string[];
}

/** `unreachable`: `<workspace>/src/` files that no entry point reaches through imports. */
export function findUnreachable(root: string, sources: Map<string, string>): Violation[] {
  const workspaces = readWorkspaces(root);
  const files = [...sources.keys()];
  const seen = new Set<string>();
  const queue = entryPoints(root, files, sources, workspaces);
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = sources.get(file);
    if (text === undefined) continue;
    for (const spec of importSpecifiers(text)) {
      const target = resolveImport(file, spec, sources, workspaces);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  const srcDirs = workspaces.map((w) => `${w.dir}/src/`);
  return files
    .filter((f) => srcDirs.some((d) => f.startsWith(d)) && !seen.has(f) && !f.endsWith('.d.ts'))
    .map((file) => ({
      file,
      line: 1,
      rule: 'unreachable' as const,
      message:
        'no entry point or test imports this file (delete it, import it, or mark a real ' +
        'entry with "// tidy:entry <reason>")',
    }));
}

function readWorkspaces(root: string): Workspace[] {
  const rootPkg = readJson(join(root, 'package.json'));
  const dirs = Array.isArray(rootPkg.workspaces) ? (rootPkg.workspaces as string[]) : [];
  const out: Workspace[] = [];
  for (const dir of dirs) {
    const pkgPath = join(root, dir, 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = readJson(pkgPath);
    out.push({
      dir,
      name: typeof pkg.name === 'string' ? pkg.name : dir,
      exports: stringMap(typeof pkg.exports === 'string' ? { '.': pkg.exports } : pkg.exports),
      bins: Object.values(stringMap(typeof pkg.bin === 'string' ? { x: pkg.bin } : pkg.bin)),
      scripts: Object.values(stringMap(pkg.scripts)),
    });
  }
  return out;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  const entries = Object.entries(value).filter((e): e is [string, string] => {
    return typeof e[1] === 'string';
  });
  return Object.fromEntries(entries);
}

function entryPoints(
  root: string,
  files: string[],
  sources: Map<string, string>,
  workspaces: Workspace[],
): string[] {
  const entries = new Set<string>();
  const rootScripts = Object.values(stringMap(readJson(join(root, 'package.json')).scripts));
  for (const f of files) {
    const top = f.split('/')[0] ?? '';
    const isTest = /\.(?:test|spec)\.[cm]?[jt]sx?$/.test(f);
    const isBin = workspaces.some((w) => f.startsWith(`${w.dir}/bin/`));
    if (isTest || isBin || top === 'bench' || top === 'tools') entries.add(f);
    if (ENTRY_MARK.test(sources.get(f) ?? '')) entries.add(f);
    if (rootScripts.some((s) => s.includes(f))) entries.add(f);
  }
  for (const w of workspaces) {
    const targets = [...w.bins, ...Object.values(w.exports)];
    for (const target of targets) {
      for (const f of matchTarget(w.dir, target, files)) entries.add(f);
    }
    for (const script of w.scripts) {
      for (const f of files) {
        if (f.startsWith(`${w.dir}/`) && script.includes(relative(w.dir, f))) entries.add(f);
      }
    }
  }
  return [...entries];
}

/** Files matching a package.json target such as `./src/*\/index.ts` inside `dir`. */
function matchTarget(dir: string, target: string, files: string[]): string[] {
  const full = `${dir}/${target.replace(/^\.\//, '')}`;
  if (!full.includes('*')) return files.includes(full) ? [full] : [];
  const [head = '', tail = ''] = full.split('*');
  return files.filter((f) => {
    if (!f.startsWith(head) || !f.endsWith(tail) || f.length < head.length + tail.length) {
      return false;
    }
    return !f.slice(head.length, f.length - tail.length).includes('/');
  });
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bvi\.mock\s*\(\s*['"]([^'"]+)['"]/g,
  /\bnew\s+URL\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url/g,
];

/** Module specifiers a file refers to. */
export function importSpecifiers(text: string): string[] {
  const code = maskComments(text);
  const out: string[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of code.matchAll(pattern)) if (m[1]) out.push(m[1]);
  }
  return out;
}

/** Blanks comments only (strings stay, since import specifiers are strings). */
function maskComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|(?<![:'"\w])\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
}

function resolveImport(
  from: string,
  spec: string,
  sources: Map<string, string>,
  workspaces: Workspace[],
): string | undefined {
  if (spec.startsWith('.')) {
    return firstExisting(
      normalize(join(dirname(from), spec))
        .split(sep)
        .join('/'),
      sources,
    );
  }
  const w = workspaces.find((x) => spec === x.name || spec.startsWith(`${x.name}/`));
  if (!w) return undefined;
  const sub = `.${spec.slice(w.name.length)}`;
  const target = exportTarget(w.exports, sub);
  return target ? firstExisting(`${w.dir}/${target.replace(/^\.\//, '')}`, sources) : undefined;
}

function exportTarget(exports: Record<string, string>, sub: string): string | undefined {
  if (exports[sub]) return exports[sub];
  for (const [key, target] of Object.entries(exports)) {
    const [head = '', tail = ''] = key.split('*');
    if (!key.includes('*') || !sub.startsWith(head) || !sub.endsWith(tail)) continue;
    return target.replace('*', sub.slice(head.length, sub.length - tail.length));
  }
  return undefined;
}

function firstExisting(path: string, sources: Map<string, string>): string | undefined {
  const stem = path.replace(/\.(?:js|jsx|mjs|cjs)$/, '');
  const candidates = [path, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${path}.ts`];
  candidates.push(`${path}/index.ts`, `${path}.js`);
  return candidates.find((c) => sources.has(c));
}

/** `file:line: rule: message`, one per line. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: ${v.rule}: ${v.message}`).join('\n');
}

/** Counts per `file rule`, in the format of `tools/tidy-known.txt`. */
export function knownListing(violations: readonly Violation[]): string {
  const counts = new Map<string, number>();
  for (const v of violations)
    counts.set(`${v.file} ${v.rule}`, (counts.get(`${v.file} ${v.rule}`) ?? 0) + 1);
  return [...counts].map(([key, n]) => `${key} ${n}`).join('\n');
}

function main(argv: string[]): number {
  const root = normalize(join(dirname(new URL(import.meta.url).pathname), '..'));
  const violations = tidy(root);
  if (argv.includes('--known')) {
    process.stdout.write(`${knownListing(violations)}\n`);
    return 0;
  }
  if (violations.length === 0) {
    process.stdout.write('tidy: no violations\n');
    return 0;
  }
  process.stdout.write(`${formatViolations(violations)}\ntidy: ${violations.length} violations\n`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
