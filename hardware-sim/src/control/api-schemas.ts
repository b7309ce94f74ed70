import { z } from 'zod';
import { RELAY_STATE_NAMES, RELAY_TRIGGERS } from '../meter/relay-table.js';

/** POST /api/meters/:id/faults — `params` are checked per kind by `faultSchema`. */
export const faultBody = z.object({
  kind: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  durationS: z.number().positive().max(31_536_000).optional(),
});

/** POST /api/meters/:id/load — a shape (optionally scaled) or constant kW (negative = export). */
export const loadBody = z.union([
  z.object({
    shape: z.enum(['residential', 'commercial', 'industrial', 'solar-prosumer']),
    peakW: z.number().int().min(0).max(100_000_000).optional(),
    pvPeakW: z.number().int().min(0).max(100_000_000).optional(),
  }),
  z.object({ kW: z.number().min(-100_000).max(100_000) }),
]);

/**
 * POST /api/meters/:id/relay — `{state}` is a technician's manual switch (any state);
 * `{trigger}` applies a class 70 method/trigger subject to the control mode.
 */
export const relayBody = z.union([
  z.object({ state: z.enum(RELAY_STATE_NAMES) }).strict(),
  z.object({ trigger: z.enum(RELAY_TRIGGERS as [string, ...string[]]) }).strict(),
]);

/** POST /api/clock — change speed (0 = frozen) and/or jump forward `jumpS` seconds. */
export const clockBody = z
  .object({
    speed: z.number().min(0).max(1_000_000).optional(),
    jumpS: z.number().positive().max(315_360_000).optional(),
  })
  .strict()
  .refine((b) => b.speed !== undefined || b.jumpS !== undefined, {
    message: 'give "speed" and/or "jumpS"',
  });
