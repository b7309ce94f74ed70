// Import from subpaths: `@gridbill/shared/clock`, `@gridbill/shared/money`, ... (one per domain).
export * from './clock/index.js';
