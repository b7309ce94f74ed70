import type { RegisterMap } from '../types.js';
import { SDM120 } from './eastron-sdm120.js';
import { SDM630 } from './eastron-sdm630.js';
import { GRIDBILL_PREPAID } from './gridbill-prepaid.js';

export { GRIDBILL_PREPAID, SDM120, SDM630 };

/** All maps by id: `sdm120`, `sdm630`, `gridbill-prepaid`. */
export const REGISTER_MAPS: Readonly<Record<string, RegisterMap>> = {
  [SDM120.id]: SDM120,
  [SDM630.id]: SDM630,
  [GRIDBILL_PREPAID.id]: GRIDBILL_PREPAID,
};

/**
 * @example registerMapById('sdm120').title // 'Eastron SDM120-Modbus (single phase)'
 */
export function registerMapById(id: string): RegisterMap {
  const map = REGISTER_MAPS[id];
  if (!map) {
    const known = Object.keys(REGISTER_MAPS).join(', ');
    throw new RangeError(`unknown register map "${id}" (known: ${known})`);
  }
  return map;
}
