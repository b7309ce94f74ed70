import { z } from 'zod';

/** Fault kinds with their parameters (zod, so the API and fleet file share one definition). */
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('no-answer') }),
  z.object({
    kind: z.literal('slow-answer'),
    params: z.object({ delayMs: z.number().int().min(1).max(60_000) }).default({ delayMs: 2000 }),
  }),
  z.object({ kind: z.literal('corrupt-frames') }),
  z.object({
    kind: z.literal('modbus-exception'),
    params: z.object({ code: z.number().int().min(1).max(11) }).default({ code: 4 }),
  }),
  z.object({ kind: z.literal('dlms-access-denied') }),
  z.object({
    kind: z.literal('clock-jump'),
    params: z.object({ seconds: z.number().int().min(-31_536_000).max(31_536_000) }),
  }),
  z.object({
    kind: z.literal('clock-drift'),
    params: z.object({ ppm: z.number().min(-100_000).max(100_000) }),
  }),
  z.object({ kind: z.literal('register-reset') }),
  z.object({
    kind: z.literal('register-rollover'),
    params: z.object({ marginWh: z.number().int().min(0).max(1_000_000) }).default({
      marginWh: 1000,
    }),
  }),
  z.object({
    kind: z.literal('meter-swap'),
    params: z.object({ serial: z.string().min(1).max(32).optional() }).default({}),
  }),
  z.object({ kind: z.literal('stuck-relay') }),
  z.object({ kind: z.literal('reverse-flow') }),
  z.object({
    kind: z.literal('consumption-spike'),
    params: z.object({ factor: z.number().min(0).max(1000) }).default({ factor: 10 }),
  }),
  z.object({ kind: z.literal('power-outage') }),
  z.object({ kind: z.literal('tamper') }),
]);

export type FaultSpec = z.infer<typeof faultSchema>;
export type FaultKind = FaultSpec['kind'];

/** An injected fault, active for startMs ≤ t < endMs (simulated; Infinity = until cleared). */
export type ActiveFault = FaultSpec & { id: string; startMs: number; endMs: number };

/** Plain JSON view of a fault for the API. */
export function faultView(f: ActiveFault): Record<string, unknown> {
  const params = 'params' in f ? f.params : {};
  return {
    id: f.id,
    kind: f.kind,
    params,
    startMs: f.startMs,
    endMs: Number.isFinite(f.endMs) ? f.endMs : null,
  };
}
