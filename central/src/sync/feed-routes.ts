import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { RouteTable } from '../api/route-kit.js';
import { addRoute } from '../api/route-kit.js';
import { jsonText } from '../api/respond.js';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { buildSnapshot } from './build-snapshot.js';
import { appendChange, readFeedPage } from './change-feed.js';
import { crashPoint } from './crash-point.js';
import { deriveChanges } from './derive-changes.js';
import { type DeriveMark, deriveSince } from './derive-incremental.js';
import type { FeedSigningKey } from './derive-records.js';
import { feedAppended } from './feed-notify.js';
import { syncDb, syncTrx } from './sync-schema.js';
import { authenticateGateway } from './sync-routes.js';

const MAX_PAGE = 1000;

function pageQuery(c: Context) {
  const after = c.req.query('after') ?? '0';
  const limit = c.req.query('limit') ?? '500';
  if (!/^\d{1,15}$/.test(after))
    throw new Problem(400, 'invalid-query', `after=${after}`, '/after');
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE)
    throw new Problem(400, 'invalid-query', `limit must be 1..${MAX_PAGE}`, '/limit');
  return { epoch: c.req.query('epoch') ?? null, after: Number(after), limit: Number(limit) };
}

/** Central's token / tariff signing key as announced in every gateway's feed. */
export function feedSigningKey(ctx: AppContext): FeedSigningKey {
  return {
    keyId: ctx.tokenKey.keyId,
    publicKey: ctx.tokenKey.publicKey,
    replacedKeyGraceMs: ctx.tokenLifetimeMs,
  };
}

/** Marks of the last committed derive pass per gateway, per app context. */
const deriveMarks = new WeakMap<object, Map<string, DeriveMark>>();

/**
 * Appends what central's records say is missing from a gateway's feed (one transaction),
 * incrementally from this process's mark of the last committed pass (`deriveSince`).
 */
export async function deriveFeed(ctx: AppContext, gatewayId: string): Promise<number> {
  const marks = deriveMarks.get(ctx) ?? new Map<string, DeriveMark>();
  deriveMarks.set(ctx, marks);
  const { appended, mark } = await ctx.committer.run((trx) =>
    deriveSince(
      syncTrx(trx),
      gatewayId,
      ctx.clock.wallMs(),
      feedSigningKey(ctx),
      marks.get(gatewayId),
    ),
  );
  marks.set(gatewayId, mark);
  return appended;
}

async function handleChanges(c: Context, ctx: AppContext) {
  await authenticateGateway(c, ctx);
  const gw = c.req.param('gw') ?? '';
  const q = pageQuery(c);
  await deriveFeed(ctx, gw);
  crashPoint('after_feed_derive');
  const page = await readFeedPage(syncDb(ctx.store.db), gw, q.epoch, q.after, q.limit);
  return c.body(jsonText(page), 200, { 'content-type': 'application/json' });
}

/** The snapshot is derived and read in one transaction, so its checkpoint matches it. */
async function handleSnapshot(c: Context, ctx: AppContext) {
  await authenticateGateway(c, ctx);
  const gw = c.req.param('gw') ?? '';
  const snapshot = await ctx.committer.run(async (trx) => {
    const nowMs = ctx.clock.wallMs();
    await deriveChanges(syncTrx(trx), gw, nowMs, feedSigningKey(ctx));
    return buildSnapshot(syncTrx(trx), gw, nowMs);
  });
  return c.body(jsonText(snapshot), 200, { 'content-type': 'application/json' });
}

const relayOrderBody = z.strictObject({
  meterId: z.string().min(1).max(64),
  action: z.enum(['connect', 'disconnect', 'lock', 'unlock']),
  priority: z.number().int().min(0).max(9),
  reason: z.string().min(1).max(200),
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400),
});

/** The downstream change feed (gateway-signed) and the staff route that issues relay orders. */
export function feedMount(app: Hono, table: RouteTable, ctx: AppContext): void {
  app.get('/sync/v1/gw/:gw/changes', (c) => handleChanges(c, ctx));
  app.get('/sync/v1/gw/:gw/snapshot', (c) => handleSnapshot(c, ctx));
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/gateways/{gw}/relay-orders',
    summary: 'Issue a relay order to a gateway (delivered by the change feed, with expiry)',
    permission: 'gateways.write',
    body: relayOrderBody,
    handler: async (c, { body }) => {
      const gw = c.req.param('gw') ?? '';
      const issuedAtMs = ctx.clock.wallMs();
      const order = {
        orderId: ctx.newId(),
        meterId: body.meterId,
        action: body.action,
        priority: body.priority,
        reason: body.reason,
        issuedAtMs,
        expiresAtMs: issuedAtMs + body.expiresInSeconds * 1000,
      };
      const cseq = await ctx.committer.run(async (trx) => {
        const owner = await trx
          .selectFrom('gateway_meters')
          .select('gateway_id')
          .where('meter_id', '=', body.meterId)
          .executeTakeFirst();
        if (owner?.gateway_id !== gw) {
          const why = `meter ${body.meterId} is not assigned to gateway ${gw}`;
          throw new Problem(422, 'not-on-gateway', why, '/meterId');
        }
        return appendChange(syncTrx(trx), gw, 'relay-order', order.orderId, order, issuedAtMs);
      });
      if (cseq !== null) {
        const epoch = await feedEpochOf(ctx, gw);
        feedAppended(ctx, {
          gatewayId: gw,
          checkpoint: { feedEpoch: epoch, cseq },
          relayOrder: order,
        });
      }
      return { status: 201, body: { ...order, cseq } };
    },
  });
}

async function feedEpochOf(ctx: AppContext, gatewayId: string): Promise<string> {
  const row = await syncDb(ctx.store.db)
    .selectFrom('sync_feeds')
    .select('feed_epoch')
    .where('gateway_id', '=', gatewayId)
    .executeTakeFirst();
  return row?.feed_epoch ?? 'e1';
}
