import { unitNoise } from './hash-noise.js';
import type { LocalMinute } from './local-time.js';

export type LoadShapeName = 'residential' | 'commercial' | 'industrial' | 'solar-prosumer';

/** A load shape as data: 24 hourly fractions of peak (weekday, weekend), power factor, noise. */
export interface LoadShape {
  weekday: readonly number[];
  weekend: readonly number[];
  powerFactor: number;
  /** ± fraction of the shape value applied per minute. */
  noise: number;
  /** Default peak demand in W. */
  peakW: number;
  /** Default PV peak in W (solar prosumer only). */
  pvPeakW: number;
}

// biome-ignore format: one row per hour block keeps the tables readable
const RESIDENTIAL = [
  0.18, 0.15, 0.14, 0.14, 0.15, 0.2, 0.35, 0.55, 0.45, 0.3, 0.25, 0.25,
  0.3, 0.28, 0.25, 0.27, 0.35, 0.6, 0.85, 1.0, 0.9, 0.7, 0.45, 0.28,
];
// biome-ignore format: table
const RESIDENTIAL_WEEKEND = [
  0.2, 0.17, 0.15, 0.15, 0.15, 0.17, 0.22, 0.35, 0.5, 0.55, 0.5, 0.5,
  0.55, 0.5, 0.45, 0.45, 0.5, 0.65, 0.85, 0.95, 0.9, 0.7, 0.5, 0.3,
];
// biome-ignore format: table
const COMMERCIAL = [
  0.2, 0.2, 0.2, 0.2, 0.2, 0.25, 0.4, 0.7, 0.9, 1.0, 1.0, 1.0,
  0.95, 1.0, 1.0, 0.95, 0.9, 0.75, 0.5, 0.35, 0.3, 0.25, 0.2, 0.2,
];
// biome-ignore format: table
const COMMERCIAL_WEEKEND = [
  0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.22, 0.25, 0.3, 0.35, 0.35, 0.35,
  0.35, 0.35, 0.35, 0.3, 0.28, 0.25, 0.22, 0.2, 0.2, 0.2, 0.2, 0.2,
];
// biome-ignore format: table
const INDUSTRIAL = [
  0.7, 0.7, 0.7, 0.7, 0.7, 0.75, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0,
  0.95, 1.0, 1.0, 1.0, 1.0, 0.95, 0.85, 0.8, 0.75, 0.72, 0.7, 0.7,
];
// biome-ignore format: table
const INDUSTRIAL_WEEKEND = [
  0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.55, 0.55, 0.55, 0.55, 0.55,
  0.55, 0.55, 0.55, 0.55, 0.55, 0.55, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
];

export const LOAD_SHAPES: Readonly<Record<LoadShapeName, LoadShape>> = {
  residential: {
    weekday: RESIDENTIAL,
    weekend: RESIDENTIAL_WEEKEND,
    powerFactor: 0.95,
    noise: 0.15,
    peakW: 3000,
    pvPeakW: 0,
  },
  commercial: {
    weekday: COMMERCIAL,
    weekend: COMMERCIAL_WEEKEND,
    powerFactor: 0.9,
    noise: 0.08,
    peakW: 25_000,
    pvPeakW: 0,
  },
  industrial: {
    weekday: INDUSTRIAL,
    weekend: INDUSTRIAL_WEEKEND,
    powerFactor: 0.85,
    noise: 0.05,
    peakW: 150_000,
    pvPeakW: 0,
  },
  'solar-prosumer': {
    weekday: RESIDENTIAL,
    weekend: RESIDENTIAL_WEEKEND,
    powerFactor: 0.97,
    noise: 0.15,
    peakW: 3000,
    pvPeakW: 5000,
  },
};

/** What drives one meter's load: a named shape (scaled) or a constant power. */
export type LoadSetting =
  | { shape: LoadShapeName; peakW?: number; pvPeakW?: number }
  | { constantW: number };

/**
 * Net power in integer W for one minute (positive = import, negative = export).
 * `seed` and `minute` (minutes since 1970 UTC) make the noise reproducible.
 *
 * @example shapePowerW({ constantW: 1500 }, local, 7, 29_000_000) // 1500
 * @example shapePowerW({ shape: 'residential' }, { minuteOfDay: 1140, weekday: 3 }, 7, 29_000_000)
 *   // 3035 (19:00 on a Wednesday, peak 3000 W, +1.2 % noise)
 */
export function shapePowerW(
  load: LoadSetting,
  local: LocalMinute,
  seed: number,
  minute: number,
): number {
  if ('constantW' in load) return Math.round(load.constantW);
  const shape = LOAD_SHAPES[load.shape];
  const table = local.weekday >= 6 ? shape.weekend : shape.weekday;
  const hour = Math.floor(local.minuteOfDay / 60);
  const next = table[(hour + 1) % 24]!;
  const frac = (local.minuteOfDay % 60) / 60;
  const level = table[hour]! + (next - table[hour]!) * frac;
  const noise = 1 + shape.noise * (2 * unitNoise(seed, minute, 1) - 1);
  const loadW = (load.peakW ?? shape.peakW) * level * noise;
  return Math.round(loadW - solarW(load.pvPeakW ?? shape.pvPeakW, local, seed, minute));
}

function solarW(pvPeakW: number, local: LocalMinute, seed: number, minute: number): number {
  if (pvPeakW <= 0) return 0;
  const hours = local.minuteOfDay / 60;
  if (hours <= 6 || hours >= 18) return 0;
  const clouds = 0.75 + 0.25 * unitNoise(seed, Math.floor(minute / 15), 2);
  return pvPeakW * Math.sin((Math.PI * (hours - 6)) / 12) * clouds;
}
