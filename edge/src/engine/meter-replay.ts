import type { Database } from 'better-sqlite3';
import type { VeeState } from '@gridbill/shared/vee';
import { cycleRecordsAfter } from '../store/cycle-record.js';
import type { MeterMarks } from './meter-log.js';

/** A meter as restored: its VEE state (null before its first accepted read) and marks. */
export interface RestoredMeter extends MeterMarks {
  vee: VeeState | null;
  throughSeq: number;
}

interface StateRow {
  meter_id: string;
  state: string;
  through_seq: number;
}

/**
 * Rebuilds every meter's VEE state and marks: its `meter_state` checkpoint, then the cycle
 * records after the checkpoint's `through_seq` (the last VEE state of the meter in them wins;
 * the marks are the latest capture per register and interval start in them).
 *
 * @example
 * // checkpoint of m1 through record 4; record 5 holds its read at 1_800_000 and VEE state
 * restoreMeterStates(db).get('m1')
 * // → { vee: { lastCaptureMs: 1_800_000, … }, reads: { importWh: 1_800_000 },
 * //     ivMs: 900_000, throughSeq: 5 }
 */
export function restoreMeterStates(db: Database): Map<string, RestoredMeter> {
  const out = new Map<string, RestoredMeter>();
  let fromSeq = Number.POSITIVE_INFINITY;
  for (const r of db.prepare('SELECT * FROM meter_state').iterate() as Iterable<StateRow>) {
    const cp = JSON.parse(r.state) as MeterMarks & { vee: VeeState | null };
    out.set(r.meter_id, { vee: cp.vee, reads: cp.reads, ivMs: cp.ivMs, throughSeq: r.through_seq });
    fromSeq = Math.min(fromSeq, r.through_seq);
  }
  for (const { seq, body } of cycleRecordsAfter(db, Number.isFinite(fromSeq) ? fromSeq : 0)) {
    const after = (meterId: string) => {
      let m = out.get(meterId);
      if (!m) {
        m = { vee: null, reads: {}, ivMs: null, throughSeq: 0 };
        out.set(meterId, m);
      }
      return seq > m.throughSeq ? m : undefined;
    };
    const { r, i, v } = body;
    for (let k = 0; k < r.m.length; k++) {
      const m = after(body.m[r.m[k]!]!);
      const register = body.g[r.g[k]!]!;
      const captureMs = body.t0 + r.t[k]!;
      if (m) m.reads[register] = Math.max(m.reads[register] ?? captureMs, captureMs);
    }
    for (let k = 0; k < i.m.length; k++) {
      const m = after(body.m[i.m[k]!]!);
      const startMs = body.t0 + i.t[k]!;
      if (m) m.ivMs = Math.max(m.ivMs ?? startMs, startMs);
    }
    for (let k = 0; k < v.m.length; k++) {
      const m = after(body.m[v.m[k]!]!);
      if (m)
        m.vee = {
          lastCaptureMs: body.t0 + v.t[k]!,
          lastValueWh: v.wh[k]!,
          serial: body.s[v.s[k]!]!,
          rateMilliWhPerHour: v.rate[k]!,
        };
    }
  }
  return out;
}
