export type {
  AccountConfig,
  BusConfig,
  GatewayConfig,
  MeterConfig,
  RelayPolicyConfig,
} from './config-schema.js';
export { gatewayConfigSchema } from './config-schema.js';
export { ConfigError, loadConfigFile, parseConfigText } from './load-config.js';
