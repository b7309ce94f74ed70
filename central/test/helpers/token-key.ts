import { tokenKeyPairFromSeed } from '@gridbill/shared/token';

/** The issuing key every test server uses (fixed seed, so tokens are reproducible). */
export const TOKEN_KEY = tokenKeyPairFromSeed('k-test', new Uint8Array(32).fill(3));
