import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{shared,edge,central,hardware-sim,tools}/{src,test}/**/*.test.{ts,tsx}',
      'tools/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist-types/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // drops the PostgreSQL test schemas once every file has finished
    globalSetup: ['central/test/helpers/pg-schemas.ts'],
  },
});
