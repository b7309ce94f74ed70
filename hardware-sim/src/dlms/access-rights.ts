/**
 * Access rights per association role (client SAP → role), as data.
 *
 * - public (client 16, no authentication): reads identity, clock and the invocation counter.
 * - reader (client 17, LLS): reads everything.
 * - management (client 1, HLS-GMAC, ciphered): reads and writes everything, runs ACTIONs on
 *   disconnect control.
 *
 * Example: `roleForClient(17)` → { role: 'reader', mechanism: 1 }.
 */
export type Role = 'public' | 'reader' | 'management';

export interface ClientProfile {
  role: Role;
  /** Required authentication mechanism id: 0 none, 1 LLS, 5 HLS-GMAC. */
  mechanism: 0 | 1 | 5;
  /** Ciphered application context (LN with ciphering) required. */
  ciphered: boolean;
}

export const CLIENT_PROFILES: Record<number, ClientProfile> = {
  16: { role: 'public', mechanism: 0, ciphered: false },
  17: { role: 'reader', mechanism: 1, ciphered: false },
  1: { role: 'management', mechanism: 5, ciphered: true },
};

export function roleForClient(clientSap: number): ClientProfile | undefined {
  return CLIENT_PROFILES[clientSap];
}

/** Object access: which roles may read attributes, write attributes, invoke methods. */
export interface ObjectAccess {
  read: readonly Role[];
  write: readonly Role[];
  action: readonly Role[];
}

const ALL: readonly Role[] = ['public', 'reader', 'management'];
const READERS: readonly Role[] = ['reader', 'management'];
const MGMT: readonly Role[] = ['management'];

export const ACCESS = {
  publicRead: { read: ALL, write: MGMT, action: [] },
  readerRead: { read: READERS, write: MGMT, action: [] },
  relay: { read: READERS, write: MGMT, action: MGMT },
  association: { read: ALL, write: [], action: ALL },
} satisfies Record<string, ObjectAccess>;
