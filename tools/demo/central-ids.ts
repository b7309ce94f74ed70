import type { SeededMeter } from './seed-central.js';

type Json = Record<string, unknown>;

/**
 * The plan's gateway config with central's record ids in place of the plan's names
 * (meter `m-0001` → central's meter id, account `A-0001` → central's account id), so the
 * events the gateway syncs and the tokens central issues name the same meters and accounts.
 */
export function withCentralIds(config: Json, seeded: SeededMeter[]): Json {
  const meterId = new Map(seeded.map((s) => [s.planMeterId, s.meterId]));
  const accountId = new Map(seeded.map((s) => [s.accountNumber, s.accountId]));
  const mapped = (map: Map<string, string>, id: unknown) => {
    const to = map.get(String(id));
    if (!to) throw new Error(`gateway config: ${String(id)} was not seeded in central`);
    return to;
  };
  return {
    ...config,
    meters: (config.meters as Json[]).map((m) => ({
      ...m,
      id: mapped(meterId, m.id),
      accountId: mapped(accountId, m.accountId),
    })),
    accounts: (config.accounts as Json[]).map((a) => ({ ...a, id: mapped(accountId, a.id) })),
  };
}
