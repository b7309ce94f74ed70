import { readFileSync } from 'node:fs';
import { assertTimeZone } from '@gridbill/shared/time';
import type { Command } from 'commander';
import { pino } from 'pino';
import { openRuntime } from '../app/open-runtime.js';
import { Problem } from '../app/problem.js';
import { startServer } from '../app/serve.js';
import { startMqtt } from '../app/start-mqtt.js';
import { addGateway } from '../records/gateways.js';
import { addUser } from '../staff/users.js';
import { migrate, openStore } from '../store/store.js';
import { importTariffVersions } from '../tariffs/tariff-records.js';
import { migrateSync, syncMount } from '../sync/index.js';
import { reconcileSecondsOf, startReconcileJob } from '../sync/rerate/reconcile-job.js';
import { uiMount } from '../ui/index.js';

export interface StoreFlags {
  db?: string;
  dataDir: string;
}

const DEFAULT_DATA_DIR = process.env.GRIDBILL_DATA_DIR ?? 'gridbill-data';

export function storeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--db <url-or-file>',
      'postgres://… URL or SQLite file (default <data-dir>/central.sqlite)',
    )
    .option(
      '--data-dir <dir>',
      'data directory (SQLite file, token signing key)',
      DEFAULT_DATA_DIR,
    );
}

interface ServeFlags extends StoreFlags {
  port: string;
  host: string;
  mqtt: string;
  mqttPort: string;
  reconcileSeconds: string;
  timeZone?: string;
}

/** `--time-zone`: an IANA zone the runtime knows, else bad input (exit 2). */
function timeZoneFlag(zone: string): string {
  try {
    assertTimeZone(zone);
    return zone;
  } catch {
    throw badInput(`--time-zone: "${zone}" is not an IANA time zone (e.g. Africa/Nairobi)`);
  }
}

function tcpPort(name: string, text: string): number {
  const port = Number.parseInt(text, 10);
  if (!/^\d{1,5}$/.test(text) || port > 65535) throw badInput(`${name} ${text} is not a TCP port`);
  return port;
}

export function badInput(message: string): Error {
  return Object.assign(new Error(message), { exitCode: 2 });
}

/** Runs a CLI write; a Problem (4xx) becomes exit code 2 with its detail and field. */
export async function withRuntime<T>(
  flags: StoreFlags,
  run: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>,
) {
  const rt = await openRuntime({ ...flags, logger: pino({ level: 'silent' }) });
  try {
    return await run(rt);
  } catch (err) {
    if (err instanceof Problem && err.status < 500) {
      throw badInput(`${err.detail}${err.field ? ` (${err.field})` : ''}`);
    }
    throw err;
  } finally {
    await rt.store.close();
  }
}

const cliActor = (reason: string) => ({
  userId: `cli:${process.env.USER ?? 'operator'}`,
  reason,
  comment: '',
});

/** Server and records commands (`serve`, `migrate`, `user add`, `gateway add`, `tariff import`). */
export function registerCoreCommands(program: Command, tariff: Command): void {
  program
    .command('version')
    .description('print the central server version')
    .action(() => {
      process.stdout.write('gridbill-central 0.1.0\n');
    });

  storeOptions(
    program.command('migrate').description('create or upgrade the database schema'),
  ).action(async (flags: StoreFlags) => {
    const store = await openStore(flags);
    try {
      const applied = [...(await migrate(store)), ...(await migrateSync(store))];
      process.stdout.write(
        `${store.describe}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}\n`,
      );
    } finally {
      await store.close();
    }
  });

  storeOptions(program.command('serve').description('run the API and staff screens'))
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'listen address', '127.0.0.1')
    .option('--mqtt <mode>', 'MQTT: embedded (this process), off, or mqtt://host:port', 'embedded')
    .option('--mqtt-port <n>', 'embedded broker port on 127.0.0.1', '1883')
    .option('--reconcile-seconds <n>', 're-rate edge charges every n seconds (0 = off)', '60')
    .option('--time-zone <iana>', "utility's zone for local days (default GRIDBILL_TIME_ZONE, UTC)")
    .action(async (flags: ServeFlags) => {
      if (flags.timeZone !== undefined) timeZoneFlag(flags.timeZone);
      const port = tcpPort('--port', flags.port);
      const mqttPort = tcpPort('--mqtt-port', flags.mqttPort);
      const reconcileSeconds = reconcileSecondsOf(flags.reconcileSeconds);
      const { ctx, store } = await openRuntime(flags);
      const mounts = [uiMount, syncMount];
      const server = await startServer(ctx, { port, host: flags.host, mounts });
      const mqtt = await startMqtt(ctx, flags.mqtt, mqttPort, process.env);
      const reconcile = reconcileSeconds
        ? startReconcileJob(ctx, { intervalSeconds: reconcileSeconds })
        : null;
      ctx.logger.info(
        { url: server.url, store: store.describe, tokenKeyId: ctx.tokenKey.keyId },
        'gridbill-central listening',
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await reconcile?.stop();
      await mqtt?.close();
      await server.close();
      await store.close();
    });

  const user = program.command('user').description('staff users');
  storeOptions(
    user
      .command('add <username>')
      .description('add a staff user (password from GRIDBILL_PASSWORD or --password)'),
  )
    .requiredOption(
      '--role <role>',
      'admin | billing-clerk | cashier | supervisor | auditor | technician',
    )
    .option('--display-name <name>', 'name shown in screens')
    .option('--password <password>', 'password (prefer the GRIDBILL_PASSWORD variable)')
    .action(
      async (
        username: string,
        flags: StoreFlags & { role: string; displayName?: string; password?: string },
      ) => {
        const password = flags.password ?? process.env.GRIDBILL_PASSWORD;
        if (!password) throw badInput('give a password with GRIDBILL_PASSWORD or --password');
        await withRuntime(flags, async ({ ctx }) => {
          const u = await addUser(ctx, {
            username,
            displayName: flags.displayName ?? username,
            role: flags.role,
            password,
          });
          process.stdout.write(`user ${u.username} (${u.role}) id ${u.id}\n`);
        });
      },
    );

  const gateway = program.command('gateway').description('field gateways');
  storeOptions(
    gateway
      .command('add <id>')
      .description('register a gateway and print its credential secret once'),
  )
    .option('--name <name>', 'display name')
    .action(async (id: string, flags: StoreFlags & { name?: string }) => {
      await withRuntime(flags, async ({ ctx }) => {
        const g = await addGateway(ctx, cliActor('gateway add'), { id, name: flags.name ?? id });
        process.stdout.write(`gateway ${g.id}\nsecret ${g.secret}\n`);
      });
    });

  storeOptions(
    tariff
      .command('import <file>')
      .description('import tariff versions (native JSON or a URDB rate) and sign them'),
  )
    .option('--time-zone <tz>', 'IANA zone for URDB rates', 'UTC')
    .action(async (file: string, flags: StoreFlags & { timeZone: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw badInput(`${file}: ${(err as Error).message}`);
      }
      await withRuntime(flags, async ({ ctx }) => {
        const out = await importTariffVersions(ctx, cliActor('tariff import'), raw, flags.timeZone);
        for (const v of out)
          process.stdout.write(`${v.tariffId} ${v.versionId} ${v.status} sha256 ${v.sha256}\n`);
      });
    });
}
