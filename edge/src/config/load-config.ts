import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type GatewayConfig, gatewayConfigSchema } from './config-schema.js';

/** A configuration problem: `exitCode` 2 so the CLI reports bad input. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses configuration text (JSON or YAML) and validates it.
 *
 * @example
 * parseConfigText('{"gatewayId": 5}', 'gw.json')
 * // throws ConfigError: "invalid configuration gw.json:\n  gatewayId: Invalid input: expected
 * //   string, received number\n  siteTimeZone: ..."
 */
export function parseConfigText(text: string, source: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(source, [`cannot parse: ${(err as Error).message}`]);
  }
  const result = gatewayConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

/** Reads and validates a configuration file. */
export function loadConfigFile(path: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read: ${(err as Error).message}`]);
  }
  return parseConfigText(text, path);
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}
