import { contentId } from '../ids/index.js';

/**
 * Deterministic id of a rated interval, the same on edge and central:
 * `chargeId('m1', Date.UTC(2024, 0, 1), 'v1')` is a UUID-formatted SHA-256 of the three parts.
 */
export function chargeId(meterId: string, startMs: number, versionId: string): string {
  return contentId('gridbill.charge', meterId, startMs, versionId);
}
