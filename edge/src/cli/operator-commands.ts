import type { Command } from 'commander';
import { loadConfigFile } from '../config/index.js';
import { applyPolicyEvent, redeemToken } from '../engine/index.js';
import { buildStatus } from '../gateway/status.js';
import { toJson } from '../store/json.js';
import { badInput, callLocalApi } from './local-api.js';
import { openOfflineEngine } from './offline-engine.js';

const print = (value: unknown): void => {
  process.stdout.write(`${toJson(value)}\n`);
};

/** `status`, `relay METER open|close --reason`, `token redeem TOKEN` (daemon API or store). */
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
    .description('order a relay open or closed (operator order, outranks credit logic)')
    .argument('<meter>', 'meter id')
    .argument('<action>', 'open | close')
    .requiredOption('--reason <text>', 'why (recorded with the command)')
    .requiredOption('--config <file>', 'gateway configuration')
    .action(async (meter: string, action: string, o: { reason: string; config: string }) => {
      if (action !== 'open' && action !== 'close')
        throw badInput(`action must be "open" or "close", got "${action}"`);
      if (o.reason.trim().length < 3) throw badInput('--reason needs at least 3 characters');
      const config = loadConfigFile(o.config);
      if (!config.meters.some((m) => m.id === meter)) throw badInput(`unknown meter "${meter}"`);
      const live = await callLocalApi(config, 'POST', `/api/relay/${encodeURIComponent(meter)}`, {
        action,
        reason: o.reason,
      });
      if (live) return print(live.body);
      const off = openOfflineEngine(config);
      try {
        const actions = off.engine.transact(() =>
          applyPolicyEvent(
            off.engine,
            meter,
            { type: 'order', order: action },
            `operator: ${o.reason}`,
          ),
        );
        print({ meterId: meter, action, actions, note: 'gateway not running: command queued' });
      } finally {
        off.close();
      }
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

function redeemOffline(config: Parameters<typeof openOfflineEngine>[0], text: string) {
  const off = openOfflineEngine(config);
  try {
    return redeemToken(off.engine, text);
  } finally {
    off.close();
  }
}
