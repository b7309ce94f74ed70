import { BatchParseError, verifySyncRequest } from '@gridbill/shared/sync';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { RouteTable } from '../api/route-kit.js';
import { addRoute } from '../api/route-kit.js';
import { jsonText } from '../api/respond.js';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import { feedMount } from './feed-routes.js';
import { crashPoint } from './crash-point.js';
import { activeKeys, registerGatewayKey } from './gateway-keys.js';
import { IngestRefusedError, ingestBatch } from './ingest.js';
import { gatewayLag } from './lag.js';
import { syncLagScreen } from './lag-screen.js';
import { reconcileMount } from './rerate/reconcile-mount.js';
import { createSyncMetrics } from './sync-metrics.js';
import { syncDb } from './sync-schema.js';

/** Largest sync request body (a 5 000-event batch is about 1.5 MB). */
export const MAX_SYNC_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Authenticates a gateway request (Ed25519 signature, key registered for that gateway, path
 * `:gw` equal to the signed gateway) and returns the raw body text.
 */
export async function authenticateGateway(c: Context, ctx: AppContext): Promise<string> {
  const body = await c.req.text();
  const url = new URL(c.req.url);
  const claimed = c.req.header('x-gridbill-gateway') ?? '';
  const keys = await activeKeys(syncDb(ctx.store.db), claimed);
  const auth = verifySyncRequest(
    { method: c.req.method, pathAndQuery: url.pathname + url.search, body },
    (name) => c.req.header(name),
    (_gw, keyId) => keys.get(keyId) ?? null,
    ctx.clock.wallMs(),
  );
  if (!auth.ok) throw new Problem(401, 'gateway-auth', auth.reason);
  if (auth.gatewayId !== c.req.param('gw')) {
    const why = `request signed by ${auth.gatewayId} for path gateway ${c.req.param('gw')}`;
    throw new Problem(403, 'gateway-mismatch', why);
  }
  return body;
}

async function handleEvents(c: Context, ctx: AppContext) {
  const body = await authenticateGateway(c, ctx);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Problem(400, 'malformed-json', 'the request body is not valid JSON');
  }
  try {
    const gw = c.req.param('gw') ?? '';
    const result = await ingestBatch(ctx.committer, gw, json, ctx.clock.wallMs());
    crashPoint('after_sync_commit_before_ack');
    ctx.logger.info({ gw, kind: result.classification, applied: result.applied }, 'sync ingest');
    return c.body(jsonText(result.ack), 200, { 'content-type': 'application/json' });
  } catch (err) {
    if (err instanceof BatchParseError) throw new Problem(400, 'invalid-batch', err.message);
    if (err instanceof IngestRefusedError) throw new Problem(err.status, 'refused', err.message);
    throw err;
  }
}

const keyBody = z.strictObject({
  keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'raw Ed25519 key, base64url (43 chars)'),
});

/** Mounts the sync endpoints (gateway-signed) and the staff lag/key routes. */
export function syncMount(app: Hono, table: RouteTable, ctx: AppContext): void {
  const metrics = createSyncMetrics(syncDb(ctx.store.db));
  app.post('/sync/v1/gw/:gw/events', (c) => handleEvents(c, ctx));
  feedMount(app, table, ctx);
  syncLagScreen(app, ctx);
  reconcileMount(app, table, ctx, metrics.registry);
  app.get('/sync/v1/metrics', async (c) => {
    await metrics.refresh();
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/sync/lag',
    summary: 'Per-gateway sync lag (acked seq, pending events, last contact)',
    permission: 'records.read',
    handler: async () => ({ status: 200, body: await gatewayLag(syncDb(ctx.store.db)) }),
  });
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/gateways/{gw}/sync-keys',
    summary: 'Register a gateway request-signing key (Ed25519, base64url)',
    permission: 'gateways.write',
    body: keyBody,
    handler: async (c, { body }) => {
      const gw = c.req.param('gw') ?? '';
      const db = syncDb(ctx.store.db);
      await registerGatewayKey(db, gw, body.keyId, body.publicKey, ctx.clock.wallMs());
      return { status: 201, body: { gatewayId: gw, keyId: body.keyId } };
    },
  });
}
