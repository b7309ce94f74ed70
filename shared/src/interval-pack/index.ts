export * from './codec.js';
export * from './interval-day.js';
export * from './merge.js';
export * from './quality-flags.js';
