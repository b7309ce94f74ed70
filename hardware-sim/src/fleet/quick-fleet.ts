import type { FleetFile } from './fleet-schema.js';
import { fleetSchema } from './fleet-schema.js';

const SHAPES = [
  'residential',
  'residential',
  'commercial',
  'solar-prosumer',
  'industrial',
] as const;
const MAPS = ['gridbill-prepaid', 'sdm120', 'sdm630'] as const;
const UNITS_PER_PORT = 247;

export interface QuickOptions {
  meters: number;
  modbusPort?: number;
  dlmsPort?: number;
  seed?: number | string;
}

/**
 * Quick mode fleet. Modbus meters take unit ids 1..247 on `modbusPort`, then the next port,
 * and so on; with a DLMS port as well, every second meter is a DLMS wrapper meter on that
 * port with its own server address (1, 2, …). Maps rotate prepaid, SDM120, SDM630.
 *
 * @example quickFleet({ meters: 2, modbusPort: 5020, dlmsPort: 4059 }).meters.map((m) => m.id)
 * // ['m0001', 'm0002'] (m0001 Modbus unit 1 on 5020, m0002 DLMS server 1 on 4059)
 */
export function quickFleet(options: QuickOptions): FleetFile {
  const { meters, modbusPort, dlmsPort } = options;
  if (modbusPort === undefined && dlmsPort === undefined) {
    throw Object.assign(new Error('quick mode needs --modbus-port and/or --dlms-port'), {
      exitCode: 2,
    });
  }
  let modbusCount = 0;
  let dlmsCount = 0;
  const list = Array.from({ length: meters }, (_, i) => {
    const id = `m${String(i + 1).padStart(4, '0')}`;
    const load = { shape: SHAPES[i % SHAPES.length]! };
    const dlms = dlmsPort !== undefined && (modbusPort === undefined || i % 2 === 1);
    if (dlms) {
      dlmsCount++;
      return {
        id,
        protocol: 'dlms',
        transport: 'wrapper',
        port: dlmsPort,
        serverAddress: dlmsCount,
        load,
      };
    }
    const k = modbusCount++;
    const port = modbusPort! + Math.floor(k / UNITS_PER_PORT);
    const unitId = (k % UNITS_PER_PORT) + 1;
    return { id, protocol: 'modbus', transport: 'tcp', port, unitId, map: MAPS[k % 3], load };
  });
  // 14 days of profile: 10 000 meters × 1 344 rows × 33 bytes ≈ 440 MB when full
  return fleetSchema.parse({ seed: options.seed ?? 1, profileDays: 14, meters: list });
}
