import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Front-end files served from node_modules (never from a CDN), read once. */
export const ASSETS: Record<string, { type: string; body: string }> = {
  'htmx.min.js': {
    type: 'text/javascript',
    body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'),
  },
  'uplot.min.js': {
    type: 'text/javascript',
    body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
  },
  'uplot.min.css': {
    type: 'text/css',
    body: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  },
};
