export * from './backoff.js';
export * from './gateway-link.js';
export * from './pull-trigger.js';
export * from './recent-ids.js';
export * from './start-link.js';
export * from './telemetry-publisher.js';
