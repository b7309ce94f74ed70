/** Invalid tariff or usage input: names where (`path`) and why; nothing was rated. */
export class TariffError extends Error {
  readonly path: string;
  constructor(path: string, why: string) {
    super(path ? `${path}: ${why}` : why);
    this.name = 'TariffError';
    this.path = path;
  }
}
