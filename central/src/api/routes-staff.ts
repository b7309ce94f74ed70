import type { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { verifyChain } from '@gridbill/shared/ledger';
import { balanceMismatches, entriesInOrder, globalSum } from '../ledger/index.js';
import { searchAudit } from '../staff/audit.js';
import { addUser, issueApiToken, signIn, signOut } from '../staff/users.js';
import { addRoute, type RouteTable, SESSION_COOKIE } from './route-kit.js';
import * as s from './schemas.js';
import { apiTokenBody, signInBody, userBody } from './schemas.js';

export function staffRoutes(app: Hono, table: RouteTable, ctx: AppContext): void {
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/session',
    summary: 'Sign in with username and password; returns a bearer token and sets a cookie',
    permission: null,
    body: signInBody,
    handler: async (c, { body }) => {
      const s = await signIn(ctx, body.username, body.password);
      if (!s) throw new Problem(401, 'bad-credentials', 'wrong username or password', '/password');
      setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      return { status: 200, body: { token: s.token, user: s.user } };
    },
  });
  addRoute(app, table, ctx, {
    method: 'delete',
    path: '/api/session',
    summary: 'Sign out: the bearer token or session cookie stops working',
    permission: 'records.read',
    handler: async (c) => {
      const header = c.req.header('authorization');
      const secret = header ? header.slice('Bearer '.length) : getCookie(c, SESSION_COOKIE);
      if (secret) await signOut(ctx.store.db, secret);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return { status: 200, body: { signedOut: true } };
    },
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in user',
    permission: 'records.read',
    response: s.userResponse,
    handler: async (_c, { user }) => ({ status: 200, body: user }),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/users',
    summary: 'Create a staff user (admin)',
    permission: 'users.admin',
    body: userBody,
    handler: async (_c, { body }) => ({ status: 201, body: await addUser(ctx, body) }),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/api-tokens',
    summary: 'Issue an API token for the signed-in user (shown once)',
    permission: 'records.read',
    body: apiTokenBody,
    handler: async (_c, { body, user }) => ({
      status: 201,
      body: { token: await issueApiToken(ctx, user.id, body.lifetimeDays * 86_400_000) },
    }),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/audit',
    summary: 'Audit log, newest first; filter by accountId and/or userId',
    permission: 'audit.read',
    response: s.auditResponse,
    handler: async (c) => {
      const accountId = c.req.query('accountId');
      const userId = c.req.query('userId');
      return { status: 200, body: await searchAudit(ctx.store.db, { accountId, userId }) };
    },
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/ledger/verify',
    summary: 'Re-verify the ledger: hash chain, global zero sum, stored = recomputed balances',
    permission: 'audit.read',
    handler: async () => {
      const all = [];
      for await (const e of entriesInOrder(ctx.store.db)) all.push(e);
      const chain = verifyChain(all);
      const mismatches = await balanceMismatches(ctx.store.db);
      const sum = await globalSum(ctx.store.db);
      const ok = chain.ok && mismatches.length === 0 && sum === 0n;
      return { status: 200, body: { ok, chain, globalSumMinor: sum, mismatches } };
    },
  });
}
