/** The environment variables Railyard reads (`PORT`, `HOST`, `RAILYARD_*`, `DATABASE_URL`), checked. */
import { resolve } from 'node:path';
import { SANDBOX_RAILS, type SandboxRails } from '../sandbox-simulators.js';
import { parseAllowEntry } from '../notify/webhooks/destination.js';
import { DEFAULTS, type Env } from './types.js';

export interface EnvSettings {
  host?: string;
  port?: number;
  dataDir?: string;
  databaseUrl?: string;
  sandboxApiKey: string;
  sandboxWebhook?: { url: string; secret?: string };
  sandboxRails: SandboxRails;
  /** RAILYARD_WEBHOOKS_ALLOW_PRIVATE (comma separated) plus the sandbox receiver's host:port. */
  sandboxAllowPrivate: string[];
}

export const envValue = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** Sandbox variables are only checked in sandbox mode: a production deployment may inherit stray ones. */
export function readEnv(env: Env, issues: string[], sandbox: boolean): EnvSettings {
  const out: EnvSettings = { sandboxApiKey: envValue(env, 'RAILYARD_SANDBOX_API_KEY') ?? DEFAULTS.sandboxApiKey, sandboxRails: 'simulators', sandboxAllowPrivate: [] };
  const host = envValue(env, 'HOST');
  if (host) out.host = host;
  const port = envValue(env, 'PORT');
  if (port !== undefined) {
    if (/^\d{1,5}$/.test(port) && Number(port) <= 65535) out.port = Number(port);
    else issues.push('PORT: must be an integer from 0 to 65535');
  }
  const dataDir = envValue(env, 'RAILYARD_DATA_DIR');
  if (dataDir) out.dataDir = resolve(dataDir);
  const databaseUrl = envValue(env, 'DATABASE_URL');
  if (databaseUrl) out.databaseUrl = databaseUrl;
  if (!sandbox) return out;
  if (out.sandboxApiKey.length < 8) issues.push('RAILYARD_SANDBOX_API_KEY: must be at least 8 characters');
  const hookUrl = envValue(env, 'RAILYARD_SANDBOX_WEBHOOK_URL');
  const hookSecret = envValue(env, 'RAILYARD_SANDBOX_WEBHOOK_SECRET');
  if (hookUrl) {
    if (!URL.canParse(hookUrl) || !/^https?:$/.test(new URL(hookUrl).protocol)) {
      issues.push('RAILYARD_SANDBOX_WEBHOOK_URL: must be an http(s) URL');
    } else {
      out.sandboxWebhook = { url: hookUrl, ...(hookSecret ? { secret: hookSecret } : {}) };
      // the sandbox's own receiver is usually on loopback: allowed by name, that port only
      const u = new URL(hookUrl);
      out.sandboxAllowPrivate.push(`${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`);
    }
  }
  if (hookSecret && !hookSecret.startsWith('whsec_')) issues.push('RAILYARD_SANDBOX_WEBHOOK_SECRET: must start with whsec_');
  if (hookSecret && !hookUrl) issues.push('RAILYARD_SANDBOX_WEBHOOK_SECRET: set without RAILYARD_SANDBOX_WEBHOOK_URL');
  for (const entry of (envValue(env, 'RAILYARD_WEBHOOKS_ALLOW_PRIVATE') ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    if (parseAllowEntry(entry)) out.sandboxAllowPrivate.push(entry);
    else issues.push(`RAILYARD_WEBHOOKS_ALLOW_PRIVATE: "${entry}" must be host:port`);
  }
  const rails = envValue(env, 'RAILYARD_SANDBOX_RAILS');
  if (rails !== undefined) {
    const known = SANDBOX_RAILS.find((r) => r === rails);
    if (known) out.sandboxRails = known;
    else issues.push(`RAILYARD_SANDBOX_RAILS: must be one of ${SANDBOX_RAILS.join(', ')}`);
  }
  return out;
}
