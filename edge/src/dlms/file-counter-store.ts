import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InvocationCounterStore } from './invocation-counter.js';

/**
 * Invocation counter reservations in a small JSON file, written durably: temp file, fsync,
 * rename, fsync of the directory. Keyed so one file serves several (meter, key) pairs.
 *
 * Example: `fileCounterStore('/var/lib/gridbill/dlms-ic.json', 'meter42/ek1')` — after
 * `save(6000)` the file holds `{"meter42/ek1":6000}` and `load()` returns 6000.
 */
export function fileCounterStore(path: string, key: string): InvocationCounterStore {
  return {
    load: async () => readAll(path)[key],
    save: async (reservedUpTo) => {
      const all = readAll(path);
      all[key] = Math.max(all[key] ?? 0, reservedUpTo);
      writeDurably(path, `${JSON.stringify(all)}\n`);
    },
  };
}

function readAll(path: string): Record<string, number> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`invocation counter file ${path} is not a JSON object`);
  }
  for (const [k, v] of Object.entries(parsed)) {
    if (!Number.isInteger(v) || (v as number) < 0) {
      throw new Error(`invocation counter file ${path}: "${k}" is not a non-negative integer`);
    }
  }
  return parsed as Record<string, number>;
}

function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
