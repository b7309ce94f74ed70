import type { DemoPlan } from '../demo/demo-plan.js';
import { withCentralIds } from '../demo/central-ids.js';
import type { SeededMeter } from '../demo/seed-central.js';
import type { CentralSetup } from './central-setup.js';
import { GATEWAY_ID, SYNC_KEY_ID } from './central-setup.js';

type Json = Record<string, unknown>;

/**
 * The demo plan's gateway config with central's ids (meter `m-0001` → central's meter id,
 * account `A-0001` → central's account id, so tokens and synced events name the same things
 * on both sides), central's URL and gateway secret (and the sync signing key when `sync`),
 * central's token verification key, and no protected windows (a scenario must not depend on
 * the hour it runs at in Asia/Shanghai).
 */
export function gatewayConfig(
  plan: DemoPlan,
  seeded: SeededMeter[],
  setup: CentralSetup,
  centralUrl: string,
  sync: boolean,
): Json {
  const base = withCentralIds(plan.edgeConfig, seeded);
  const policy = base.relayPolicy as Json;
  return {
    ...base,
    relayPolicy: {
      ...policy,
      protectedWindows: { nightStartMinute: 0, nightEndMinute: 0, weekends: false, holidays: [] },
    },
    tokens: { publicKeys: [setup.tokenKey] },
    central: {
      url: centralUrl,
      username: GATEWAY_ID,
      passwordFile: setup.gatewaySecretFile,
      // with a signing key the daemon syncs with central; pulls every 10 simulated minutes
      ...(sync ? { signingKeyFile: setup.syncKeyFile, keyId: SYNC_KEY_ID } : {}),
      ...(sync ? { pullEverySeconds: 600 } : {}),
    },
  };
}
