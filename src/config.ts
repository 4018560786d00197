/**
 * Railyard's configuration: one file (YAML or JSON) plus a few environment variables, validated
 * once at start. Every problem is reported with the key path that caused it
 * (`merchants[0].api_keys[1].sha256: must be 64 hex characters`), all problems at once, so an
 * operator fixes the file in one pass. Without a file, `sandboxConfig()` builds a complete
 * sandbox setup. The file format is documented in docs/configuration.md.
 */
import { isAbsolute, resolve } from 'node:path';
import { envValue } from './config/environment.js';
import { loadConfigFile, type ResolveOptions } from './config/resolve.js';
import { sandboxConfig } from './config/sandbox.js';
import type { Env, RailyardConfig } from './config/types.js';

/*
 * The public entry: one module per job under src/config/ (types, schema, environment, security
 * keys, trust material, resolution, sandbox, connector settings); what other code imports is
 * re-exported here.
 */
export { ConfigError, DEFAULTS, SANDBOX_KEYS_FILE, type ConnectorConfig, type EngineConfig, type Env, type RailyardConfig, type SandboxSettings, type TrustSettings } from './config/types.js';
export { formatPath } from './config/schema.js';
export { loadConfigFile, parseConfigText, resolveConfig, type ResolveOptions } from './config/resolve.js';
export { SANDBOX_CONNECTOR_ID, SANDBOX_MERCHANT_ID, loadOrCreateSandboxKeys, sandboxConfig } from './config/sandbox.js';

/** `RAILYARD_CONFIG` set: that file; otherwise the sandbox. */
export function loadConfig(env: Env = process.env, opts: Omit<ResolveOptions, 'env' | 'baseDir'> = {}): RailyardConfig {
  const file = envValue(env, 'RAILYARD_CONFIG');
  if (file === undefined) return sandboxConfig(env);
  return loadConfigFile(isAbsolute(file) ? file : resolve(file), { ...opts, env });
}
