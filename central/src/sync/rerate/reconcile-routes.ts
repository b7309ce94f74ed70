import type { Hono } from 'hono';
import { z } from 'zod';
import { addRoute, type RouteTable } from '../../api/route-kit.js';
import type { AppContext } from '../../app/context.js';
import { Problem } from '../../app/problem.js';
import { REASONS } from './classify.js';
import { checkRange } from './reconcile-gateway.js';
import { gatewayReport } from './reconcile-report.js';

const dateKey = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a local date YYYY-MM-DD');
const reconciliationQuery = z.strictObject({ from: dateKey, to: dateKey });
const minor = z.string().regex(/^-?\d{1,20}$/, 'signed decimal minor units');
const count = z.int().nonnegative();

const dayReportSchema = z.strictObject({
  gatewayId: z.string(),
  day: dateKey,
  currency: z.string(),
  accounts: count,
  edgeTotalMinor: minor,
  centralTotalMinor: minor,
  adjustmentsMinor: minor,
  intervals: count,
  intervalsDiffering: count,
  unrated: count,
  reasons: z.strictObject(Object.fromEntries(REASONS.map((r) => [r, count]))),
});

/** Response of `GET /api/gateways/{gw}/reconciliation` (money as decimal strings). */
export const reconciliationResponse = z.strictObject({
  gatewayId: z.string(),
  from: dateKey,
  to: dateKey,
  days: z.array(dayReportSchema),
});

/** Reads a report range; 404 for an unknown gateway, 400 naming the bad parameter. */
export async function reportFor(ctx: AppContext, gatewayId: string, from: string, to: string) {
  try {
    checkRange({ gatewayId, fromDay: from, toDay: to });
  } catch (err) {
    const message = (err as Error).message;
    const field = /^gateway/.test(message)
      ? '/gw'
      : /^to/.test(message)
        ? '/query/to'
        : '/query/from';
    throw new Problem(400, 'invalid-query', message, field);
  }
  const gw = await ctx.store.reader
    .selectFrom('gateways')
    .select('id')
    .where('id', '=', gatewayId)
    .executeTakeFirst();
  if (!gw) throw new Problem(404, 'not-found', `gateway ${gatewayId} is unknown`, '/gw');
  return gatewayReport(ctx.store.reader, gatewayId, from, to);
}

/** `GET /api/gateways/{gw}/reconciliation?from=&to=`: the stored report per local day. */
export function reconcileRoutes(app: Hono, table: RouteTable, ctx: AppContext): void {
  addRoute(app, table, ctx, {
    method: 'get',
    path: '/api/gateways/{gw}/reconciliation',
    summary:
      'Re-rating report per local day (from..to inclusive): edge total, central total, ' +
      'adjustments, intervals differing per reason',
    permission: 'ledger.read',
    query: reconciliationQuery,
    response: reconciliationResponse,
    handler: async (c, { query }) => {
      const gatewayId = c.req.param('gw') ?? '';
      const { from, to } = query as z.output<typeof reconciliationQuery>;
      const days = await reportFor(ctx, gatewayId, from, to);
      return { status: 200, body: { gatewayId, from, to, days } };
    },
  });
}
