import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../app/context.js';
import { Problem } from '../app/problem.js';
import type { Actor } from '../staff/audit.js';
import type { Database } from '../store/schema.js';
import { mustExist } from './customers.js';
import { auditedWrite } from './write.js';

export function addMeter(ctx: AppContext, actor: Actor, input: { serial: string; model: string }) {
  const id = ctx.newId();
  return auditedWrite(ctx, actor, 'meter.add', async (trx) => {
    const dup = await trx
      .selectFrom('meters')
      .select('id')
      .where('serial', '=', input.serial)
      .executeTakeFirst();
    if (dup) throw new Problem(409, 'duplicate-serial', `meter ${input.serial} exists`, '/serial');
    await trx
      .insertInto('meters')
      .values({
        id,
        serial: input.serial,
        model: input.model,
        created_at_ms: BigInt(ctx.clock.wallMs()),
      })
      .execute();
    return { result: { id, ...input }, target: `meter:${id}` };
  });
}

/** Where a meter is installed now (last event is an install), or undefined. */
export async function currentInstall(db: Kysely<Database>, meterId: string) {
  const last = await db
    .selectFrom('meter_events')
    .selectAll()
    .where('meter_id', '=', meterId)
    .orderBy('at_ms', 'desc')
    .orderBy('kind', 'asc')
    .executeTakeFirst();
  return last?.kind === 'install' ? last : undefined;
}

async function lastEventMs(trx: Kysely<Database>, meterId: string): Promise<number> {
  const last = await trx
    .selectFrom('meter_events')
    .select('at_ms')
    .where('meter_id', '=', meterId)
    .orderBy('at_ms', 'desc')
    .executeTakeFirst();
  return last ? Number(last.at_ms) : -1;
}

interface MeterEvent {
  meterId: string;
  servicePointId: string;
  atMs: number;
  readWh: bigint;
}

async function install(ctx: AppContext, trx: Transaction<Database>, e: MeterEvent, field = '') {
  await mustExist(trx, 'meters', e.meterId, 'meter', `${field}/meterId`);
  await mustExist(trx, 'service_points', e.servicePointId, 'service point', '/servicePointId');
  if (await currentInstall(trx, e.meterId)) {
    throw new Problem(
      409,
      'meter-installed',
      `meter ${e.meterId} is already installed`,
      `${field}/meterId`,
    );
  }
  if ((await lastEventMs(trx, e.meterId)) > e.atMs) {
    throw new Problem(422, 'out-of-order', "install is before the meter's last event", '/atMs');
  }
  await insertEvent(ctx, trx, e, 'install');
}

async function remove(
  ctx: AppContext,
  trx: Transaction<Database>,
  meterId: string,
  atMs: number,
  readWh: bigint,
) {
  const cur = await currentInstall(trx, meterId);
  if (!cur)
    throw new Problem(409, 'meter-not-installed', `meter ${meterId} is not installed`, '/meterId');
  if (Number(cur.at_ms) > atMs)
    throw new Problem(422, 'out-of-order', 'removal is before the install', '/atMs');
  if (readWh < BigInt(cur.read_wh)) {
    throw new Problem(
      422,
      'read-below-initial',
      `final read ${readWh} Wh is below the initial read`,
      '/finalReadWh',
    );
  }
  await insertEvent(
    ctx,
    trx,
    { meterId, servicePointId: cur.service_point_id, atMs, readWh },
    'remove',
  );
  return cur.service_point_id;
}

async function insertEvent(
  ctx: AppContext,
  trx: Transaction<Database>,
  e: MeterEvent,
  kind: string,
) {
  await trx
    .insertInto('meter_events')
    .values({
      id: ctx.newId(),
      meter_id: e.meterId,
      service_point_id: e.servicePointId,
      kind,
      at_ms: BigInt(e.atMs),
      read_wh: e.readWh,
    })
    .execute();
}

export function installMeter(ctx: AppContext, actor: Actor, e: MeterEvent) {
  return auditedWrite(ctx, actor, 'meter.install', async (trx) => {
    await install(ctx, trx, e);
    return { result: { ...e, readWh: e.readWh.toString() }, target: `meter:${e.meterId}` };
  });
}

export function removeMeter(
  ctx: AppContext,
  actor: Actor,
  meterId: string,
  atMs: number,
  finalReadWh: bigint,
) {
  return auditedWrite(ctx, actor, 'meter.remove', async (trx) => {
    await remove(ctx, trx, meterId, atMs, finalReadWh);
    return {
      result: { meterId, atMs, finalReadWh: finalReadWh.toString() },
      target: `meter:${meterId}`,
    };
  });
}

/** Exchange: final read of the old meter and initial read of the new one, atomically. */
export function exchangeMeter(
  ctx: AppContext,
  actor: Actor,
  x: {
    meterId: string;
    newMeterId: string;
    atMs: number;
    finalReadWh: bigint;
    initialReadWh: bigint;
  },
) {
  return auditedWrite(ctx, actor, 'meter.exchange', async (trx) => {
    const sp = await remove(ctx, trx, x.meterId, x.atMs, x.finalReadWh);
    const e = { meterId: x.newMeterId, servicePointId: sp, atMs: x.atMs, readWh: x.initialReadWh };
    await install(ctx, trx, e, '/new');
    const result = {
      ...x,
      finalReadWh: x.finalReadWh.toString(),
      initialReadWh: x.initialReadWh.toString(),
    };
    return { result, target: `meter:${x.meterId}`, details: { newMeterId: x.newMeterId } };
  });
}

/** Meters installed now at an account's premise, with gateway and last relay state. */
export async function metersOfPremise(db: Kysely<Database>, premiseId: string) {
  const rows = await db
    .selectFrom('meter_events')
    .innerJoin('service_points', 'service_points.id', 'meter_events.service_point_id')
    .innerJoin('meters', 'meters.id', 'meter_events.meter_id')
    .leftJoin('gateway_meters', 'gateway_meters.meter_id', 'meters.id')
    .leftJoin('relay_states', 'relay_states.meter_id', 'meters.id')
    .select([
      'meters.id',
      'meters.serial',
      'meters.model',
      'gateway_meters.gateway_id as gatewayId',
      'relay_states.state as relayState',
      'relay_states.reported_at_ms as relayReportedAtMs',
    ])
    .distinct()
    .where('service_points.premise_id', '=', premiseId)
    .execute();
  const out = [];
  for (const r of rows) {
    const cur = await currentInstall(db, r.id);
    if (cur)
      out.push({
        ...r,
        installedAtMs: Number(cur.at_ms),
        relayReportedAtMs: r.relayReportedAtMs === null ? null : Number(r.relayReportedAtMs),
      });
  }
  return out;
}
