import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { notFound } from '../app/problem.js';
import { getTariffVersion, importTariffVersions, listTariffs } from '../tariffs/index.js';
import { actorOf, addRoute, type RouteTable } from './route-kit.js';
import { tariffsResponse } from './schemas.js';

const importBody = z.strictObject({
  document: z.unknown().refine((v) => v !== undefined, 'document is required'),
  timeZone: z.string().min(1).max(64).optional(),
  reason: z.string().min(1).max(200).optional(),
  comment: z.string().max(2000).optional(),
});

export function tariffRoutes(app: Hono, table: RouteTable, ctx: AppContext): void {
  addRoute(app, table, ctx, {
    method: 'post',
    path: '/api/tariffs/import',
    summary:
      'Import tariff versions (native gridbill-tariff/v1, a list of them, or a URDB rate); ' +
      'each is signed',
    permission: 'tariffs.write',
    body: importBody,
    handler: async (_c, { body, user }) => ({
      status: 201,
      body: await importTariffVersions(
        ctx,
        actorOf(user, body, 'tariff import'),
        body.document,
        body.timeZone,
      ),
    }),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/tariffs',
    summary: 'Tariffs and their versions',
    permission: 'tariffs.read',
    response: tariffsResponse,
    handler: async () => ({ status: 200, body: await listTariffs(ctx.store.db) }),
  });
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/tariff-versions/{id}',
    summary: 'A signed tariff version: document text, SHA-256, key id and Ed25519 signature',
    permission: 'tariffs.read',
    handler: async (c) => {
      const v = await getTariffVersion(ctx.store.db, c.req.param('id') ?? '');
      if (!v) throw notFound('tariff version', c.req.param('id') ?? '');
      return {
        status: 200,
        body: {
          versionId: v.id,
          tariffId: v.tariff_id,
          document: v.document,
          sha256: v.document_sha256,
          keyId: v.key_id,
          signature: v.signature,
        },
      };
    },
  });
}
