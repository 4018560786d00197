/** File shape -> `RailyardConfig`, with the rules zod cannot see alone (duplicates, references, keys). */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { connectorRegistry, type ConnectorRegistry } from '../../connectors/registry.js';
import type { MethodType } from '../connector/types.js';
import { defaultPaymentPolicy } from '../engine/machine-types.js';
import { hashApiKey, type Merchant } from '../engine/merchants.js';
import { resolveSmtp } from '../notify/email/smtp-config.js';
import { resolveAuditKeys, resolveAuditSettings } from '../config-audit.js';
import { readEnv } from './environment.js';
import { fileSchema, formatPath, requiredError, zodIssues, type FileConfig } from './schema.js';
import { resolveSecurity } from './security.js';
import { resolveTrust } from './trust.js';
import { ConfigError, DEFAULTS, type ConnectorConfig, type EngineConfig, type Env, type RailyardConfig } from './types.js';

const MAX_ACTIVE_KEYS = 2;

function resolveMerchants(f: FileConfig, issues: string[]): Merchant[] {
  const connectorIds = new Set(f.connectors.map((c) => c.id));
  const merchantIds = new Set<string>();
  const keyOwner = new Map<string, string>();
  return f.merchants.map((m, i) => {
    const at = ['merchants', i];
    if (merchantIds.has(m.id)) issues.push(`${formatPath([...at, 'id'])}: duplicate merchant id "${m.id}"`);
    merchantIds.add(m.id);
    const hashes: string[] = [];
    m.api_keys.forEach((k, j) => {
      const kat = [...at, 'api_keys', j];
      if ((k.sha256 === undefined) === (k.key === undefined)) {
        issues.push(`${formatPath(kat)}: give exactly one of sha256 or key`);
        return;
      }
      if (k.active === false) return;
      const hash = k.sha256?.toLowerCase() ?? hashApiKey(k.key ?? '');
      const owner = keyOwner.get(hash);
      // One key must authenticate exactly one merchant; a silent overwrite would charge the wrong shop.
      if (owner !== undefined) issues.push(`${formatPath(kat)}: the same API key is already used by ${owner}`);
      keyOwner.set(hash, `merchant "${m.id}"`);
      hashes.push(hash);
    });
    if (hashes.length > MAX_ACTIVE_KEYS) {
      issues.push(`${formatPath([...at, 'api_keys'])}: at most ${MAX_ACTIVE_KEYS} active keys (one current, one being rotated in); mark older ones active: false`);
    }
    if (hashes.length === 0 && m.api_keys.every((k) => k.active === false)) {
      issues.push(`${formatPath([...at, 'api_keys'])}: needs at least one active key`);
    }
    const routes: Partial<Record<MethodType, string>> = {};
    for (const method of ['card', 'bank_account'] as const) {
      const target = m.routes?.[method];
      if (target === undefined) continue;
      if (!connectorIds.has(target)) issues.push(`${formatPath([...at, 'routes', method])}: no connector with id "${target}"`);
      routes[method] = target;
    }
    return {
      id: m.id,
      name: m.name,
      apiKeyHashes: hashes,
      allowNoConfirmation: m.allow_no_confirmation ?? false,
      routes,
      ...(m.refund_window_days !== undefined ? { refundWindowDays: m.refund_window_days } : {}),
      ...(m.non_repudiation ? { nonRepudiation: true } : {}),
    };
  });
}

function resolveConnectors(f: FileConfig, issues: string[]): ConnectorConfig[] {
  const ids = new Set<string>();
  return f.connectors.map((c, i) => {
    if (ids.has(c.id)) issues.push(`${formatPath(['connectors', i, 'id'])}: duplicate connector id "${c.id}"`);
    ids.add(c.id);
    return { id: c.id, type: c.type, settings: c.settings ?? {} };
  });
}

function resolveEngine(e: FileConfig['engine'], base: EngineConfig, issues: string[]): EngineConfig {
  const p = base.policy;
  const retry = {
    maxAttempts: e?.retry?.max_attempts ?? p.retry.maxAttempts,
    baseDelayMs: e?.retry?.base_delay_ms ?? p.retry.baseDelayMs,
    maxDelayMs: e?.retry?.max_delay_ms ?? p.retry.maxDelayMs,
  };
  if (retry.maxDelayMs < retry.baseDelayMs) issues.push('engine.retry.max_delay_ms: must not be below base_delay_ms');
  return {
    policy: {
      otpTtlMs: e?.otp_ttl_ms ?? p.otpTtlMs,
      otpMaxAttempts: e?.otp_max_attempts ?? p.otpMaxAttempts,
      otpMaxSends: e?.otp_max_sends ?? p.otpMaxSends,
      retry,
      pollIntervalMs: e?.poll_interval_ms ?? p.pollIntervalMs,
      pendingMaxMs: e?.pending_max_ms ?? p.pendingMaxMs,
      ...(e?.reversal_max_age_ms !== undefined ? { reversalMaxAgeMs: e.reversal_max_age_ms } : p.reversalMaxAgeMs !== undefined ? { reversalMaxAgeMs: p.reversalMaxAgeMs } : {}),
    },
    workerPollMs: e?.worker_poll_ms ?? base.workerPollMs,
    shutdownGraceMs: e?.shutdown_grace_ms ?? base.shutdownGraceMs,
    ...(e?.lease_ms !== undefined ? { leaseMs: e.lease_ms } : base.leaseMs !== undefined ? { leaseMs: base.leaseMs } : {}),
  };
}

const productionEngine: EngineConfig = {
  policy: defaultPaymentPolicy,
  workerPollMs: DEFAULTS.workerPollMs,
  shutdownGraceMs: DEFAULTS.shutdownGraceMs,
};

/** YAML for `.yaml`/`.yml`, JSON for `.json`; anything else is refused rather than guessed. */
export function parseConfigText(path: string, text: string): unknown {
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text);
    if (ext === '.json') return JSON.parse(text);
  } catch (err) {
    // The parsers' messages carry line and column but never more than a snippet of the file.
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError([`cannot parse ${ext.slice(1).toUpperCase()}: ${msg}`], path);
  }
  throw new ConfigError([`unsupported file extension "${ext}" (use .yaml, .yml or .json)`], path);
}

export interface ResolveOptions {
  env?: Env;
  /** Defaults to the shipped registry; integrators pass their own to add banks. */
  registry?: ConnectorRegistry;
  /** Relative `data_dir` in the file is resolved against this directory (the file's own). */
  baseDir?: string;
}

/**
 * Turns a parsed configuration file plus the environment into a `RailyardConfig`. Environment
 * variables win over the file (`PORT`, `HOST`, `RAILYARD_DATA_DIR`, `DATABASE_URL`), so one file
 * serves several deployments. Throws `ConfigError` listing every problem found.
 */
export function resolveConfig(data: unknown, opts: ResolveOptions = {}): RailyardConfig {
  const env = opts.env ?? process.env;
  const issues: string[] = [];
  const fromEnv = readEnv(env, issues, false);
  const parsed = fileSchema(opts.registry ?? connectorRegistry).safeParse(data ?? {}, { error: requiredError });
  if (!parsed.success) throw new ConfigError([...zodIssues(parsed.error), ...issues]);
  const f = parsed.data;
  const security = resolveSecurity(f.security, env, ['security'], issues);
  const connectors = resolveConnectors(f, issues);
  const merchants = resolveMerchants(f, issues);
  const engine = resolveEngine(f.engine, productionEngine, issues);
  const auditKeys = resolveAuditKeys(f.security.audit_keys, f.security.active_audit_key, env, ['security'], issues);
  if (issues.length > 0 || !security || !auditKeys) throw new ConfigError(issues);
  const baseDir = opts.baseDir ?? process.cwd();
  const trust = resolveTrust(f, baseDir, issues);
  const smtp = f.notifications?.smtp ? resolveSmtp(f.notifications.smtp, env, baseDir, issues) : undefined;
  if (issues.length > 0) throw new ConfigError(issues);
  const dataDir = fromEnv.dataDir ?? resolve(baseDir, f.data_dir ?? DEFAULTS.dataDir);
  const databaseUrl = fromEnv.databaseUrl ?? f.database?.url;
  return {
    mode: 'production',
    server: {
      host: fromEnv.host ?? f.server?.host ?? DEFAULTS.host,
      port: fromEnv.port ?? f.server?.port ?? DEFAULTS.port,
      maxBodyBytes: f.server?.max_body_bytes ?? DEFAULTS.maxBodyBytes,
    },
    ...(databaseUrl ? { databaseUrl } : {}),
    dataDir,
    security,
    engine,
    refundWindowDays: f.refund_window_days ?? DEFAULTS.refundWindowDays,
    merchants,
    connectors,
    ...(smtp ? { notifications: { smtp } } : {}),
    ...(f.webhooks?.allow_private?.length ? { webhooks: { allowPrivate: f.webhooks.allow_private } } : {}),
    ...(trust ? { trust } : {}),
    audit: resolveAuditSettings(f.audit, auditKeys, dataDir, baseDir),
  };
}

/** Reads and resolves one configuration file; relative paths inside it are relative to the file. */
export function loadConfigFile(path: string, opts: Omit<ResolveOptions, 'baseDir'> = {}): RailyardConfig {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`cannot read the configuration file (${code})`], path);
  }
  try {
    return resolveConfig(parseConfigText(abs, text), { ...opts, baseDir: dirname(abs) });
  } catch (err) {
    if (err instanceof ConfigError && !err.source) throw new ConfigError(err.issues, path);
    throw err;
  }
}
