import type { GatewayConfig } from '../config/index.js';

/**
 * Calls the running gateway's local API; `undefined` when no gateway answers (so commands can
 * fall back to the store).
 *
 * @example
 * await callLocalApi(config, 'GET', '/api/status') // → { status: 200, body: {...} }
 */
export async function callLocalApi(
  config: GatewayConfig,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown } | undefined> {
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  try {
    const res = await fetch(`http://${host}:${config.http.port}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return undefined;
  }
}

export function badInput(message: string): Error {
  return Object.assign(new Error(message), { exitCode: 2 });
}
