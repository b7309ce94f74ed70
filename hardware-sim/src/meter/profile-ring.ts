/** One 15-minute capture: meter clock, status, import and export registers. */
export interface ProfileCapture {
  simMs: number;
  meterClockMs: number;
  status: number;
  importWh: number;
  exportWh: number;
}

const COLUMNS = 4; // simMs, meterClockMs, importWh, exportWh

/**
 * The load profile as a circular buffer of typed arrays (33 bytes a row instead of a ~70-byte
 * object), grown on demand up to `capacity`, so 10 000 meters keep weeks of profile in a few
 * hundred MB. Oldest rows are overwritten first, as in a meter.
 *
 * @example const ring = new ProfileRing(2);
 * for (const t of [1, 2, 3]) {
 *   ring.push({ simMs: t, meterClockMs: t, status: 0, importWh: t, exportWh: 0 });
 * }
 * ring.rows().map((r) => r.simMs); // [2, 3]
 */
export class ProfileRing {
  private values = new Float64Array(0);
  private statuses = new Uint8Array(0);
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {}

  push(row: ProfileCapture): void {
    if (this.count === this.statuses.length && this.count < this.capacity) this.grow();
    const slot = (this.start + this.count) % this.statuses.length;
    if (this.count === this.statuses.length) this.start = (this.start + 1) % this.statuses.length;
    else this.count++;
    const at = slot * COLUMNS;
    this.values[at] = row.simMs;
    this.values[at + 1] = row.meterClockMs;
    this.values[at + 2] = row.importWh;
    this.values[at + 3] = row.exportWh;
    this.statuses[slot] = row.status;
  }

  /** Rows with fromMs ≤ simMs ≤ toMs, oldest first. */
  rows(fromMs = -Infinity, toMs = Infinity): ProfileCapture[] {
    const out: ProfileCapture[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.start + i) % this.statuses.length;
      const at = slot * COLUMNS;
      const simMs = this.values[at]!;
      if (simMs < fromMs || simMs > toMs) continue;
      out.push({
        simMs,
        meterClockMs: this.values[at + 1]!,
        status: this.statuses[slot]!,
        importWh: this.values[at + 2]!,
        exportWh: this.values[at + 3]!,
      });
    }
    return out;
  }

  private grow(): void {
    const size = Math.min(this.capacity, Math.max(8, this.statuses.length * 2));
    const rows = this.rows();
    this.values = new Float64Array(size * COLUMNS);
    this.statuses = new Uint8Array(size);
    this.start = 0;
    this.count = 0;
    for (const row of rows) this.push(row);
  }
}
