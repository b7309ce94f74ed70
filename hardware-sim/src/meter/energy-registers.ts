/** Energy in W·ms carried between reads; 1 Wh = 3 600 000 W·ms. */
export const WMS_PER_WH = 3_600_000;

export interface RegisterValues {
  importWh: number;
  exportWh: number;
  /** Import per TOU rate 1..4. */
  importRateWh: number[];
}

/**
 * Import/export/TOU registers in integer Wh that wrap at 10^digits. Energy arrives in exact
 * integer W·ms; the sub-Wh remainder is carried, so splitting a period into any chunks gives
 * the same registers. Rate registers take each whole Wh the import register gains, so
 * Σ rates = import (when they start consistent).
 *
 * @example
 * const r = new EnergyRegisters(6, { importWh: 999_999, exportWh: 0, importRateWh: [0, 0, 0, 0] });
 * r.addImport(2 * WMS_PER_WH, 1); // ['importWh'] (it rolled over)
 * r.values().importWh; // 1
 */
export class EnergyRegisters {
  readonly modulus: number;
  private regs: RegisterValues;
  private importWms = 0;
  private exportWms = 0;

  constructor(digits: number, start: RegisterValues) {
    this.modulus = 10 ** digits;
    this.regs = this.checked(start);
  }

  values(): RegisterValues {
    return { ...this.regs, importRateWh: [...this.regs.importRateWh] };
  }

  /** Adds import energy to the total and to `rate` (1..4); returns registers that rolled over. */
  addImport(wms: number, rate: number): string[] {
    this.importWms += wms;
    const wh = Math.floor(this.importWms / WMS_PER_WH);
    if (wh === 0) return [];
    this.importWms -= wh * WMS_PER_WH;
    const rolled: string[] = [];
    this.regs.importWh = this.wrap(this.regs.importWh + wh, 'importWh', rolled);
    const i = rate - 1;
    this.regs.importRateWh[i] = this.wrap(this.regs.importRateWh[i]! + wh, `rate${rate}Wh`, rolled);
    return rolled;
  }

  /** Adds export energy; returns registers that rolled over. */
  addExport(wms: number): string[] {
    this.exportWms += wms;
    const wh = Math.floor(this.exportWms / WMS_PER_WH);
    if (wh === 0) return [];
    this.exportWms -= wh * WMS_PER_WH;
    const rolled: string[] = [];
    this.regs.exportWh = this.wrap(this.regs.exportWh + wh, 'exportWh', rolled);
    return rolled;
  }

  /** Overwrites the registers (reset, preset, swap); the sub-Wh carry is kept. */
  set(values: RegisterValues): void {
    this.regs = this.checked(values);
  }

  private wrap(value: number, name: string, rolled: string[]): number {
    if (value < this.modulus) return value;
    rolled.push(name);
    return value % this.modulus;
  }

  private checked(v: RegisterValues): RegisterValues {
    const all = [v.importWh, v.exportWh, ...v.importRateWh];
    if (
      v.importRateWh.length !== 4 ||
      all.some((x) => !Number.isInteger(x) || x < 0 || x >= this.modulus)
    ) {
      throw new RangeError(
        `registers must be integers 0..${this.modulus - 1} Wh with 4 TOU rates, ` +
          `got ${JSON.stringify(v)}`,
      );
    }
    return { ...v, importRateWh: [...v.importRateWh] };
  }
}
