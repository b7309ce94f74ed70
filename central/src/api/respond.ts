import type { Context } from 'hono';
import { Problem } from '../app/problem.js';

/** JSON text with bigint written as decimal strings (JSON.stringify would throw). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export function sendJson(
  c: Context,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return c.body(jsonText(body), status as 200, { 'content-type': 'application/json', ...headers });
}

export function sendProblem(c: Context, p: Problem) {
  return c.body(jsonText(p.toJSON()), p.status as 400, {
    'content-type': 'application/problem+json',
  });
}

/** Any thrown value as a problem: Problems pass through; everything else is a 500. */
export function asProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const name = (err as { name?: string })?.name;
  if (name === 'LedgerRuleError' || name === 'DecimalParseError') {
    const field = (err as { field?: string }).field;
    return new Problem(422, 'ledger-rule', (err as Error).message, field ? `/${field}` : undefined);
  }
  if (name === 'LedgerConflictError')
    return new Problem(409, 'ledger-conflict', (err as Error).message);
  return new Problem(
    500,
    'internal-error',
    'internal error; nothing was changed if the request failed',
  );
}
