import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type FleetFile, fleetSchema } from './fleet-schema.js';

/** A fleet file that failed to load; `message` lists every problem with its path. */
export class FleetFileError extends Error {
  readonly exitCode = 2;
}

/**
 * Parses fleet text (JSON, or YAML when the name ends in .yaml/.yml) and validates it.
 *
 * @example parseFleet('{"meters":[{"id":"m1","protocol":"modbus","transport":"tcp"}]}', 'f.json')
 * // throws FleetFileError: f.json: meters[0].port: tcp needs a TCP "port"; meters[0].unitId: …
 */
export function parseFleet(text: string, name: string): FleetFile {
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(name) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new FleetFileError(
      `${name}: not valid ${/\.ya?ml$/i.test(name) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
  const result = fleetSchema.safeParse(data);
  if (!result.success) throw new FleetFileError(`${name}: ${formatIssues(result.error)}`);
  return result.data;
}

export function loadFleetFile(path: string): FleetFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FleetFileError(`${path}: cannot read fleet file: ${(err as Error).message}`);
  }
  return parseFleet(text, path);
}

/** `meters[2].unitId: Too big: expected number to be <=247; …` */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join('; ');
}

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  }
  return out || '(root)';
}
