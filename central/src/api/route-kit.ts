import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import type { Actor } from '../staff/audit.js';
import { can, type Permission } from '../staff/roles.js';
import { type StaffUser, userForSecret } from '../staff/users.js';
import { jsonText, sendJson } from './respond.js';

export const SESSION_COOKIE = 'gb_session';

export interface RouteSpec<B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  /** null = public route. */
  permission: Permission | null;
  body?: B;
  /** Query parameters (strings); listed in the OpenAPI document. */
  query?: z.ZodObject;
  response?: z.ZodType;
  handler: (
    c: Context,
    input: { body: z.output<B>; user: StaffUser; ctx: AppContext; query: Record<string, unknown> },
  ) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }>;
}

/** Every registered route, for `/openapi.json`. */
export type RouteTable = RouteSpec[];

function fieldOf(path: PropertyKey[]): string {
  return `/${path.map(String).join('/')}`;
}

/** Parses and validates a JSON body; errors name the field. */
export async function readBody<B extends z.ZodType>(c: Context, schema: B): Promise<z.output<B>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new Problem(
      415,
      'unsupported-media-type',
      'send the body as application/json',
      '/headers/content-type',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    throw new Problem(400, 'malformed-json', 'the request body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = fieldOf([...issue.path, ...keys.slice(0, 1)]);
    throw new Problem(400, 'invalid-request', `${field}: ${issue.message}`, field);
  }
  return parsed.data;
}

/** Validates the query string; errors name the parameter (`/query/<name>`). */
export function readQuery(c: Context, schema: z.ZodObject): Record<string, unknown> {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = `/query${fieldOf([...issue.path, ...keys.slice(0, 1)])}`;
  throw new Problem(400, 'invalid-query', `${field}: ${issue.message}`, field);
}

/** The signed-in user from `Authorization: Bearer …` or the session cookie. */
export async function authenticate(c: Context, ctx: AppContext): Promise<StaffUser> {
  const header = c.req.header('authorization');
  let secret: string | undefined;
  if (header !== undefined) {
    const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header);
    if (!m)
      throw new Problem(
        401,
        'bad-credentials',
        'Authorization must be "Bearer <token>"',
        '/headers/authorization',
      );
    secret = m[1];
  } else {
    secret = getCookie(c, SESSION_COOKIE);
  }
  if (!secret) throw new Problem(401, 'not-signed-in', 'sign in or send a bearer token');
  const user = await userForSecret(ctx.store.reader, secret, ctx.clock.wallMs());
  if (!user)
    throw new Problem(
      401,
      'bad-credentials',
      'the token is unknown or expired',
      '/headers/authorization',
    );
  return user;
}

export function actorOf(user: StaffUser, body: unknown, defaultReason: string): Actor {
  const b = (body ?? {}) as { reason?: string; comment?: string };
  return { userId: user.id, reason: b.reason ?? defaultReason, comment: b.comment ?? '' };
}

const ANON: StaffUser = {
  id: 'anonymous',
  username: 'anonymous',
  displayName: 'anonymous',
  role: 'auditor',
};

/** Test mode: a 2xx body that breaks its declared schema is a 500 (and a failing test). */
function checkResponse(spec: RouteSpec, body: unknown): void {
  const parsed = spec.response!.safeParse(JSON.parse(jsonText(body)));
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const where = `/${issue.path.map(String).join('/')}`;
  throw new Error(
    `${spec.method} ${spec.path} response breaks its schema at ${where}: ${issue.message}`,
  );
}

/** Registers a route: auth, permission, body validation, handler; keeps it for OpenAPI. */
export function addRoute<B extends z.ZodType>(
  app: Hono,
  table: RouteTable,
  ctx: AppContext,
  spec: RouteSpec<B>,
) {
  table.push(spec as unknown as RouteSpec);
  const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  app.on(spec.method.toUpperCase(), honoPath, async (c) => {
    const user = spec.permission === null ? ANON : await authenticate(c, ctx);
    if (spec.permission !== null && !can(user.role, spec.permission)) {
      throw new Problem(403, 'forbidden', `role ${user.role} lacks permission ${spec.permission}`);
    }
    const body = (spec.body ? await readBody(c, spec.body) : undefined) as z.output<B>;
    const query = spec.query ? readQuery(c, spec.query) : {};
    const out = await spec.handler(c, { body, user, ctx, query });
    if (ctx.checkResponses && spec.response && out.status < 300) checkResponse(spec, out.body);
    return sendJson(c, out.status, out.body, out.headers);
  });
}
