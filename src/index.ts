/**
 * `railyard`: create and start a server from a configuration object. The other entry points
 * (`railyard/connector`, `railyard/iso8583`, ...) are separate subpaths so an integrator who only
 * needs a codec does not load the server.
 */
export { createRailyard, startRailyard, StartupError } from './server.js';
export type { Railyard, RailyardApp, RailyardOptions, RunningRailyard } from './server.js';
export {
  ConfigError,
  DEFAULTS,
  SANDBOX_CONNECTOR_ID,
  SANDBOX_KEYS_FILE,
  SANDBOX_MERCHANT_ID,
  formatPath,
  loadConfig,
  loadConfigFile,
  loadOrCreateSandboxKeys,
  parseConfigText,
  resolveConfig,
  sandboxConfig,
} from './config.js';
export type { ConnectorConfig, EngineConfig, Env, RailyardConfig, ResolveOptions, SandboxSettings } from './config.js';
export { connectorRegistry } from '../connectors/registry.js';
export type { ConnectorRegistry, ConnectorRegistration } from '../connectors/registry.js';
export type { Merchant } from './engine/merchants.js';
export { hashApiKey } from './engine/merchants.js';
export type { PaymentPolicy, RetryPolicy } from './engine/machine-types.js';
export type { VaultKeys, DataKey } from './domain/vault.js';
