export * from './acl.js';
export * from './central-link.js';
export * from './credentials.js';
export * from './embedded-broker.js';
export * from './feed-hints.js';
export * from './mqtt-config.js';
export * from './mqtt-metrics.js';
export * from './mqtt-service.js';
