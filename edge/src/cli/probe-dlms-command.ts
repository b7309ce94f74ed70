import type { Command } from 'commander';

/** `probe dlms ...`: filled in by the DLMS/COSEM client. */
export function registerProbeDlms(_probe: Command): void {}
