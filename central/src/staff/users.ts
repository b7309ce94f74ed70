import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import type { Database } from '../store/schema.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { isRole, type Role } from './roles.js';

export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

const USERNAME_RE = /^[a-z][a-z0-9._-]{2,39}$/;
const SESSION_MS = 12 * 3600_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Creates a staff user; throws a Problem naming the bad field. */
export async function addUser(
  ctx: AppContext,
  input: { username: string; displayName: string; role: string; password: string },
): Promise<StaffUser> {
  if (!USERNAME_RE.test(input.username)) {
    throw new Problem(
      422,
      'invalid-username',
      'username must be 3..40 of [a-z0-9._-]',
      '/username',
    );
  }
  if (!isRole(input.role))
    throw new Problem(422, 'invalid-role', `unknown role ${input.role}`, '/role');
  if (input.password.length < 10) {
    throw new Problem(422, 'weak-password', 'password must be at least 10 characters', '/password');
  }
  const hash = await hashPassword(input.password, ctx.random(16));
  const user = {
    id: ctx.newId(),
    username: input.username,
    displayName: input.displayName,
    role: input.role,
  };
  const exists = await ctx.store.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', input.username)
    .executeTakeFirst();
  if (exists)
    throw new Problem(409, 'username-taken', `${input.username} already exists`, '/username');
  await ctx.store.db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      password_hash: hash,
      created_at_ms: BigInt(ctx.clock.wallMs()),
    })
    .execute();
  return user;
}

function toUser(r: Database['users']): StaffUser {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role as Role };
}

/** Checks a password and opens a session; returns the bearer secret (shown once). */
export async function signIn(
  ctx: AppContext,
  username: string,
  password: string,
): Promise<{ user: StaffUser; token: string } | undefined> {
  const row = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  if (!row || !(await verifyPassword(password, row.password_hash))) return undefined;
  const token = await issueSecret(ctx, row.id, 'session', ctx.clock.wallMs() + SESSION_MS);
  return { user: toUser(row), token };
}

/** A long-lived API token for integrations (bearer secret shown once). */
export async function issueApiToken(
  ctx: AppContext,
  userId: string,
  lifetimeMs: number,
): Promise<string> {
  return issueSecret(ctx, userId, 'api', ctx.clock.wallMs() + lifetimeMs);
}

async function issueSecret(ctx: AppContext, userId: string, kind: string, expiresAtMs: number) {
  const secret = `gb_${kind}_${Buffer.from(ctx.random(24)).toString('base64url')}`;
  await ctx.store.db
    .insertInto('sessions')
    .values({
      token_hash: sha256(secret),
      user_id: userId,
      kind,
      expires_at_ms: BigInt(expiresAtMs),
    })
    .execute();
  return secret;
}

/** The user behind a bearer secret, if it is known and not expired. */
export async function userForSecret(
  db: Kysely<Database>,
  secret: string,
  nowMs: number,
): Promise<StaffUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select('sessions.expires_at_ms')
    .where('sessions.token_hash', '=', sha256(secret))
    .executeTakeFirst();
  if (!row || Number(row.expires_at_ms) <= nowMs) return undefined;
  return toUser(row);
}

/** Ends a session. */
export async function signOut(db: Kysely<Database>, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(secret)).execute();
}
