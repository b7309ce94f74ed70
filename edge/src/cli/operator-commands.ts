import type { Command } from 'commander';
import { loadConfigFile } from '../config/index.js';
import { OPERATOR_PRIORITY, operatorOrder, redeemToken } from '../engine/index.js';
import { buildStatus } from '../gateway/status.js';
import { toJson } from '../store/json.js';
import { badInput, callLocalApi } from './local-api.js';
import { openOfflineEngine } from './offline-engine.js';

const print = (value: unknown): void => {
  process.stdout.write(`${toJson(value)}\n`);
};

/**
 * `status`, `relay METER open|close|lock|unlock --reason`, `safe-mode on|off --reason`,
 * `token redeem TOKEN` (daemon API or store).
 */
export function registerOperatorCommands(program: Command): void {
  program
    .command('status')
    .description('print meters, last reads, balances, relay states, pending commands, outbox lag')
    .requiredOption('--config <file>', 'gateway configuration')
    .action(async (o: { config: string }) => {
      const config = loadConfigFile(o.config);
      const live = await callLocalApi(config, 'GET', '/api/status');
      if (live) return print(live.body);
      const off = openOfflineEngine(config);
      try {
        print({ ...buildStatus(off.engine, off.incarnationId), daemon: 'not running' });
      } finally {
        off.close();
      }
    });

  program
    .command('relay')
    .description('order a relay open, closed, locked or unlocked (an operator relay order)')
    .argument('<meter>', 'meter id')
    .argument('<action>', 'open | close | lock | unlock')
    .requiredOption('--reason <text>', 'why (recorded with the order and sent to central)')
    .option('--priority <0-9>', 'order priority (a lock by central is 9)', `${OPERATOR_PRIORITY}`)
    .requiredOption('--config <file>', 'gateway configuration')
    .action(async (meter: string, action: string, o: RelayOptions) => {
      if (!RELAY_ACTIONS.includes(action as RelayAction))
        throw badInput(`action must be "open", "close", "lock" or "unlock", got "${action}"`);
      if (o.reason.trim().length < 3) throw badInput('--reason needs at least 3 characters');
      if (!/^[0-9]$/.test(o.priority))
        throw badInput(`--priority must be a whole number from 0 to 9, got "${o.priority}"`);
      const priority = Number.parseInt(o.priority, 10);
      const config = loadConfigFile(o.config);
      if (!config.meters.some((m) => m.id === meter)) throw badInput(`unknown meter "${meter}"`);
      const body = { action, reason: o.reason, priority };
      const path = `/api/relay/${encodeURIComponent(meter)}`;
      const live = await callLocalApi(config, 'POST', path, body);
      const result = live?.body ?? relayOffline(config, meter, action as RelayAction, o, priority);
      print(result);
      const outcome = (result as { outcome?: string }).outcome;
      if (outcome === 'refused' || outcome === 'expired')
        throw new Error(`relay order ${outcome}: ${(result as { detail?: string }).detail}`);
    });

  program
    .command('safe-mode')
    .description('enter safe mode (no disconnections) or clear every safe-mode cause')
    .argument('<state>', 'on | off')
    .requiredOption('--reason <text>', 'why (recorded with the alarm)')
    .requiredOption('--config <file>', 'gateway configuration')
    .action(async (state: string, o: { reason: string; config: string }) => {
      if (state !== 'on' && state !== 'off')
        throw badInput(`state must be "on" or "off", got "${state}"`);
      if (o.reason.trim().length < 3) throw badInput('--reason needs at least 3 characters');
      const config = loadConfigFile(o.config);
      const body = { on: state === 'on', reason: o.reason };
      const live = await callLocalApi(config, 'POST', '/api/safe-mode', body);
      print(live?.body ?? safeModeOffline(config, body));
    });

  const token = program.command('token').description('offline top-up tokens');
  token
    .command('redeem')
    .description('verify and credit an offline top-up token')
    .argument('<token>', 'token text (base64url)')
    .requiredOption('--config <file>', 'gateway configuration')
    .action(async (text: string, o: { config: string }) => {
      const config = loadConfigFile(o.config);
      const live = await callLocalApi(config, 'POST', '/api/tokens/redeem', { token: text });
      const result = live?.body ?? redeemOffline(config, text);
      print(result);
      if (!(result as { ok?: boolean }).ok)
        throw Object.assign(
          new Error(`token rejected: ${(result as { reason?: string }).reason}`),
          {
            exitCode: 3,
          },
        );
    });
}

type RelayAction = 'open' | 'close' | 'lock' | 'unlock';
const RELAY_ACTIONS: readonly RelayAction[] = ['open', 'close', 'lock', 'unlock'];
interface RelayOptions {
  reason: string;
  priority: string;
  config: string;
}

/** With no daemon: the order goes through the same entry point; sent at the next start. */
function relayOffline(
  config: Parameters<typeof openOfflineEngine>[0],
  meter: string,
  action: RelayAction,
  o: RelayOptions,
  priority: number,
) {
  const off = openOfflineEngine(config);
  try {
    const result = operatorOrder(off.engine, meter, action, o.reason, priority);
    return { meterId: meter, action, ...result, note: 'gateway not running: command queued' };
  } finally {
    off.close();
  }
}

/** With no daemon: the manual cause is stored (meta) and holds from the next start. */
function safeModeOffline(
  config: Parameters<typeof openOfflineEngine>[0],
  body: { on: boolean; reason: string },
) {
  const off = openOfflineEngine(config);
  try {
    const safe = off.engine.safe;
    if (body.on) safe.enter('manual', `operator: ${body.reason}`);
    else safe.leave('all', `operator: ${body.reason}`);
    return { safeMode: off.engine.safeMode, causes: safe.causes(), daemon: 'not running' };
  } finally {
    off.close();
  }
}

function redeemOffline(config: Parameters<typeof openOfflineEngine>[0], text: string) {
  const off = openOfflineEngine(config);
  try {
    return redeemToken(off.engine, text);
  } finally {
    off.close();
  }
}
