export * from './backoff.js';
export * from './gateway-link.js';
export * from './pull-trigger.js';
export * from './recent-ids.js';
