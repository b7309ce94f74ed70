/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ProfileCapture } from '../meter/virtual-meter.js';

/**
 * Average net power per 15-minute interval from consecutive profile captures, as an SVG line.
 * @example intervalPowerW([{ importWh: 0, exportWh: 0 }, { importWh: 250, exportWh: 0 }]) // [1000]
 */
export function intervalPowerW(rows: readonly Pick<ProfileCapture, 'importWh' | 'exportWh'>[]) {
  const out: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    out.push((b.importWh - a.importWh - (b.exportWh - a.exportWh)) * 4);
  }
  return out;
}

export function PowerChart(props: { rows: readonly ProfileCapture[] }) {
  const values = intervalPowerW(props.rows.slice(-97));
  if (values.length < 2) return <p>Power chart: waiting for two 15-minute captures.</p>;
  const width = 720;
  const height = 200;
  const max = Math.max(1, ...values.map(Math.abs));
  const x = (i: number) => (i / (values.length - 1)) * width;
  const y = (w: number) => height / 2 - (w / max) * (height / 2 - 5);
  const points = values.map((w, i) => `${x(i).toFixed(1)},${y(w).toFixed(1)}`).join(' ');
  return (
    <figure>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img">
        <title>Average power per 15 minutes (last 24 h)</title>
        <line x1="0" y1={height / 2} x2={width} y2={height / 2} stroke="#aaa" />
        <polyline points={points} fill="none" stroke="#06c" stroke-width="2" />
      </svg>
      <figcaption>
        Average power per 15-minute interval, last {values.length} intervals (peak ±{max} W; below
        the line = export)
      </figcaption>
    </figure>
  );
}
