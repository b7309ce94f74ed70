import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { can, type Permission } from '../staff/roles.js';
import { type StaffUser, userForSecret } from '../staff/users.js';
import { Page } from './layout.js';

export const UI_COOKIE = 'gb_session';

export type UiHandler = (c: Context, user: StaffUser) => Promise<Response> | Response;

/** A staff screen: signed-in users with `permission` only; others go to sign-in or get 403. */
export function screen(
  app: Hono,
  ctx: AppContext,
  method: 'get' | 'post',
  path: string,
  permission: Permission,
  h: UiHandler,
) {
  app.on(method.toUpperCase(), path, async (c) => {
    const secret = getCookie(c, UI_COOKIE);
    const user = secret
      ? await userForSecret(ctx.store.reader, secret, ctx.clock.wallMs())
      : undefined;
    if (!user) return c.redirect('/ui/sign-in', 303);
    if (!can(user.role, permission)) {
      return c.html(
        <Page title="Not allowed" user={user}>
          <p class="warn">Your role ({user.role}) may not open this page.</p>
        </Page>,
        403,
      );
    }
    try {
      return await h(c, user);
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      return c.html(
        <p class="warn" id="problem">
          {err.detail}
        </p>,
        err.status as 400,
      );
    }
  });
}
