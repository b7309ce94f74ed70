import type { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../app/context.js';
import { signIn, signOut } from '../staff/users.js';
import { Page } from './layout.js';
import { UI_COOKIE } from './ui-kit.js';

function SignInForm(props: { error?: string }) {
  return (
    <Page title="Sign in">
      {props.error ? (
        <p class="warn" id="sign-in-error">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/ui/sign-in">
        <label>
          Username <input name="username" autocomplete="username" required />
        </label>
        <label>
          Password{' '}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </Page>
  );
}

export function signInScreens(app: Hono, ctx: AppContext): void {
  app.get('/ui/sign-in', (c) => c.html(<SignInForm />));
  app.post('/ui/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const s = await signIn(ctx, String(form.username ?? ''), String(form.password ?? ''));
    if (!s) return c.html(<SignInForm error="Wrong username or password." />, 401);
    setCookie(c, UI_COOKIE, s.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect('/ui/customers', 303);
  });
  app.post('/ui/sign-out', async (c) => {
    const secret = getCookie(c, UI_COOKIE);
    if (secret) await signOut(ctx.store.db, secret);
    deleteCookie(c, UI_COOKIE, { path: '/' });
    return c.redirect('/ui/sign-in', 303);
  });
  app.get('/ui', (c) => c.redirect('/ui/customers', 303));
}
