import type { z } from 'zod';
import type { relayOrderBodySchema } from '@gridbill/shared/sync';

/** A relay order as it travels (wire JSON). */
export type RelayOrderBodyWire = z.input<typeof relayOrderBodySchema>;
