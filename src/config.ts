/**
 * Railyard's configuration: one file (YAML or JSON) plus a few environment variables, validated
 * once at start. Every problem is reported with the key path that caused it
 * (`merchants[0].api_keys[1].sha256: must be 64 hex characters`), all problems at once, so an
 * operator fixes the file in one pass. Without a file, `sandboxConfig()` builds a complete
 * sandbox setup. The file format is documented in docs/configuration.md.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { connectorRegistry, type ConnectorRegistry } from '../connectors/registry.js';
import type { MethodType } from './connector/types.js';
import type { VaultKeys } from './domain/vault.js';
import { defaultPaymentPolicy, type PaymentPolicy } from './engine/machine-types.js';
import { hashApiKey, type Merchant } from './engine/merchants.js';
import { SANDBOX_RAILS, simulatorConnectors, simulatorRoutes, type SandboxRails } from './sandbox-simulators.js';
import type { SmtpSettings } from './notify/email/smtp-notifier.js';
import { resolveSmtp, smtpFileSchema } from './notify/email/smtp-config.js';
import { parseAllowEntry } from './notify/webhooks/destination.js';
import { auditKeySchema, auditSectionSchema, loadOrCreateSandboxAudit, resolveAuditKeys, resolveAuditSettings, type AuditSettings } from './config-audit.js';
import { loadCertificates, loadCredential, TrustError, type OrderSignaturePolicy } from './trust/index.js';
import type { SignerPin } from './trust/order-signature.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConnectorConfig {
  id: string;
  /** A key of the connector registry (connectors/registry.ts). */
  type: string;
  /** Passed to the factory as `env.settings`, with `id` added. */
  settings: Record<string, unknown>;
}

export interface EngineConfig {
  policy: PaymentPolicy;
  /** How often idle workers look for due work (real milliseconds). */
  workerPollMs: number;
  /** How long a graceful stop waits for bank calls in flight. */
  shutdownGraceMs: number;
  /**
   * How long a claimed bank command belongs to its process. After a crash, recovery waits this long
   * before it treats the command's outcome as unknown. Absent: twice the longest call timeout + 10 s.
   */
  leaseMs?: number;
}

export interface SandboxSettings {
  /** The sandbox merchant's API key in clear: it is printed in the banner, by design public. */
  apiKey: string;
  /** The sandbox merchant's webhook endpoint, created or refreshed at start (src/server.ts). */
  webhook?: { url: string; secret?: string };
  /**
   * `simulators`: the connectors are demo-card and demo-sepa, and src/server.ts starts their
   * simulators in process (src/sandbox-simulators.ts). Absent: the in-process `sandbox` connector.
   */
  rails?: SandboxRails;
}

/** Everything a running Railyard needs, fully resolved: no defaults are applied after this point. */
export interface RailyardConfig {
  mode: 'sandbox' | 'production';
  server: { host: string; port: number; maxBodyBytes: number };
  /** `postgres://…` selects PostgreSQL; absent means SQLite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  security: VaultKeys;
  engine: EngineConfig;
  refundWindowDays: number;
  merchants: Merchant[];
  connectors: ConnectorConfig[];
  /** Present in sandbox mode only. */
  sandbox?: SandboxSettings;
  /** Customer email (src/notify/email); absent: sandbox inbox in sandbox mode, dropped otherwise. */
  notifications?: { smtp?: SmtpSettings };
  /**
   * Webhook destinations allowed although private (`host:port` entries; none by default). The
   * sandbox lists its own receiver here. See src/notify/webhooks/destination.ts.
   */
  webhooks?: { allowPrivate: string[] };
  /** Signed orders and encrypted account data (src/trust); absent: neither is configured. */
  trust?: TrustSettings;
  /** Keyed history chains and signed checkpoints (src/config-audit.ts). */
  audit: AuditSettings;
}

/** PEM paths are absolute here; the files were checked (readable, valid now, usable) at resolution. */
export interface TrustSettings {
  /** By merchant id; a merchant missing here has the policy `off`. */
  orderSignatures: Record<string, { policy: OrderSignaturePolicy; certificates: string[]; signers?: SignerPin[] }>;
  /** Railyard's certificates and private keys for `payment_method.encrypted`; the first is current, all decrypt. */
  encryption?: { certificate: string; privateKey: string }[];
  /** Merchants that may still send AES-CBC EnvelopedData (legacy, unauthenticated). */
  legacyCbcMerchants?: string[];
  /** Undecryptable envelopes per merchant and window before its encrypted submissions get 429. */
  encryptedFailureLimit?: { max: number; windowMs: number };
  /** Railyard's signing certificate and key: non-repudiation signatures on webhooks. */
  signing?: { certificate: string; privateKey: string };
}

/** A configuration that cannot be used. `issues` are `path: message` lines, one per problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly issues: string[],
    readonly source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}${issues.join('; ')}`);
  }
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  maxBodyBytes: 1_048_576,
  dataDir: './data',
  refundWindowDays: 90,
  sandboxApiKey: 'sk_sandbox_railyard',
  workerPollMs: 250,
  shutdownGraceMs: 10_000,
} as const;

export const SANDBOX_KEYS_FILE = 'sandbox-keys.json';

// ---------------------------------------------------------------------------------------------
// File schema (snake_case, as written by operators)

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/; // same rule as the Vault's
const CONNECTOR_ID = /^[a-z][a-z0-9-]{1,39}$/; // same rule as defineConnector's

const positiveMs = z.number().int().positive();
const base64Of = (minBytes: number, maxBytes: number, what: string) =>
  z.string().refine(
    (s) => {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return false;
      const n = Buffer.from(s, 'base64').length;
      return n >= minBytes && n <= maxBytes;
    },
    { error: `must be base64 of ${what} (e.g. \`openssl rand -base64 32\`)` },
  );
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });

const dataKeySchema = z.strictObject({
  id: z.string().regex(KEY_ID, { error: 'must be 1-32 letters, digits, _ or -' }),
  key_base64: base64Of(32, 32, 'exactly 32 bytes').optional(),
  key_base64_env: envName.optional(),
});

const encryptionPairSchema = z.strictObject({ certificate: z.string().min(1), private_key: z.string().min(1) });

const securitySchema = z.strictObject({
  data_keys: z.array(dataKeySchema).min(1, { error: 'needs at least one data key' }),
  active_data_key: z.string(),
  mac_key_base64: base64Of(32, 1024, 'at least 32 bytes').optional(),
  mac_key_base64_env: envName.optional(),
  /**
   * PEM files; relative paths are relative to the configuration file. One pair, or a list during
   * a rotation: the first is current (published first), every one decrypts.
   */
  encryption: z.union([encryptionPairSchema, z.array(encryptionPairSchema).min(1, { error: 'needs at least one certificate and key' }).max(4)]).optional(),
  /** Envelopes that cannot be opened, per merchant, before its encrypted submissions get 429. */
  encrypted_failure_limit: z.strictObject({ max: z.number().int().min(1).max(100_000), window_seconds: z.number().int().min(1).max(86_400) }).optional(),
  /** Railyard's own signing pair, for merchants with `non_repudiation: true`. */
  signing: z.strictObject({ certificate: z.string().min(1), private_key: z.string().min(1) }).optional(),
  /** HMAC keys of the history chains (src/config-audit.ts); required in a configuration file. */
  audit_keys: z.array(auditKeySchema).optional(),
  active_audit_key: z.string().optional(),
});

const apiKeySchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hex characters' }).optional(),
  key: z.string().min(24, { error: 'must be at least 24 characters (prefer sha256 over a clear key)' }).optional(),
  /** Inactive keys stay in the file for the record but no longer authenticate. */
  active: z.boolean().optional(),
});

const merchantSchema = z.strictObject({
  id: z.string().regex(ID, { error: 'must be 1-64 letters, digits, _ or -' }),
  name: z.string().min(1).max(200),
  api_keys: z.array(apiKeySchema).min(1, { error: 'needs at least one API key' }),
  allow_no_confirmation: z.boolean().optional(),
  /** Webhooks also carry Railyard's detached CMS signature over the body (needs security.signing). */
  non_repudiation: z.boolean().optional(),
  /** Also accept AES-CBC EnvelopedData in payment_method.encrypted (legacy: unauthenticated; off by default). */
  legacy_cbc_envelopes: z.boolean().optional(),
  routes: z.strictObject({ card: z.string().optional(), bank_account: z.string().optional() }).optional(),
  refund_window_days: z.number().int().min(0).max(3650).optional(),
  order_signature: z
    .strictObject({
      policy: z.enum(['required', 'optional', 'off']),
      /** PEM files: the merchant's own certificate(s), or the CA that issues them. */
      certificates: z.array(z.string().min(1)).optional(),
      /** Who signs for this merchant (required with a CA): each entry one of subject, certificate_sha256, public_key_sha256. */
      signers: z
        .array(
          z
            .strictObject({
              subject: z.string().min(1).optional(),
              certificate_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hex characters' }).optional(),
              public_key_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hex characters' }).optional(),
            })
            .refine((p) => Object.keys(p).length === 1, { error: 'give exactly one of subject, certificate_sha256, public_key_sha256' }),
        )
        .optional(),
    })
    .optional(),
});

const connectorSchema = (registry: ConnectorRegistry) =>
  z.strictObject({
    id: z.string().regex(CONNECTOR_ID, { error: 'must be 2-40 lower-case letters, digits or dashes, starting with a letter' }),
    type: z.string().refine((t) => Object.hasOwn(registry, t), {
      error: (iss) => `unknown connector type "${String(iss.input)}" (known: ${Object.keys(registry).join(', ')})`,
    }),
    settings: z.record(z.string(), z.unknown()).optional(),
  });

const engineSchema = z.strictObject({
  otp_ttl_ms: positiveMs.optional(),
  otp_max_attempts: z.number().int().min(1).max(10).optional(),
  otp_max_sends: z.number().int().min(1).max(10).optional(),
  retry: z
    .strictObject({
      max_attempts: z.number().int().min(1).max(100).optional(),
      base_delay_ms: positiveMs.optional(),
      max_delay_ms: positiveMs.optional(),
    })
    .optional(),
  poll_interval_ms: positiveMs.optional(),
  pending_max_ms: positiveMs.optional(),
  /** Store-and-forward of reversals gives up (manual review) after this long, or after the retry count. */
  reversal_max_age_ms: positiveMs.optional(),
  worker_poll_ms: positiveMs.optional(),
  shutdown_grace_ms: z.number().int().min(0).optional(),
  lease_ms: z.number().int().min(1_000).optional(),
});

const notificationsSchema = z.strictObject({ smtp: smtpFileSchema.optional() });

const allowEntry = z.string().refine((e) => parseAllowEntry(e) !== null, { error: 'must be host:port (e.g. 127.0.0.1:9000 or [::1]:9000)' });
const webhooksSchema = z.strictObject({ allow_private: z.array(allowEntry).optional() });

const fileSchema = (registry: ConnectorRegistry) =>
  z.strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).optional(),
        port: z.number().int().min(0).max(65535).optional(),
        max_body_bytes: z.number().int().min(1024).max(64 * 1_048_576).optional(),
      })
      .optional(),
    database: z.strictObject({ url: z.string().min(1).optional() }).optional(),
    data_dir: z.string().min(1).optional(),
    security: securitySchema,
    engine: engineSchema.optional(),
    refund_window_days: z.number().int().min(0).max(3650).optional(),
    merchants: z.array(merchantSchema).min(1, { error: 'needs at least one merchant' }),
    connectors: z.array(connectorSchema(registry)).min(1, { error: 'needs at least one connector' }),
    notifications: notificationsSchema.optional(),
    webhooks: webhooksSchema.optional(),
    audit: auditSectionSchema.optional(),
  });

type FileConfig = z.infer<ReturnType<typeof fileSchema>>;
type SecurityFile = z.infer<typeof securitySchema>;

// ---------------------------------------------------------------------------------------------
// Issue formatting

/** `['merchants', 0, 'api_keys', 1, 'sha256']` -> `merchants[0].api_keys[1].sha256` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

const requiredError = (iss: { code?: string; input?: unknown }): string | undefined =>
  iss.code === 'invalid_type' && iss.input === undefined ? 'is required' : undefined;

function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => `${formatPath([...prefix, ...i.path, k])}: unknown key`);
    }
    return [`${formatPath([...prefix, ...i.path])}: ${i.message}`];
  });
}

// ---------------------------------------------------------------------------------------------
// Environment

interface EnvSettings {
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

const envValue = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** Sandbox variables are only checked in sandbox mode: a production deployment may inherit stray ones. */
function readEnv(env: Env, issues: string[], sandbox: boolean): EnvSettings {
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

// ---------------------------------------------------------------------------------------------
// Resolution: file shape -> RailyardConfig, with the rules zod cannot see alone

function resolveSecurity(s: SecurityFile, env: Env, path: readonly PropertyKey[], issues: string[]): VaultKeys | undefined {
  const seen = new Set<string>();
  const dataKeys: VaultKeys['dataKeys'] = [];
  s.data_keys.forEach((k, i) => {
    const at = [...path, 'data_keys', i];
    if (seen.has(k.id)) issues.push(`${formatPath([...at, 'id'])}: duplicate data key id "${k.id}"`);
    seen.add(k.id);
    const b64 = secretValue(k.key_base64, k.key_base64_env, env, at, 'key_base64', issues);
    if (b64 === undefined) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) {
      issues.push(`${formatPath([...at, 'key_base64_env'])}: ${k.key_base64_env} must hold base64 of exactly 32 bytes`);
      return;
    }
    dataKeys.push({ id: k.id, key });
  });
  if (!seen.has(s.active_data_key)) {
    issues.push(`${formatPath([...path, 'active_data_key'])}: "${s.active_data_key}" is not among data_keys ids`);
  }
  const macB64 = secretValue(s.mac_key_base64, s.mac_key_base64_env, env, path, 'mac_key_base64', issues);
  const macKey = macB64 === undefined ? undefined : Buffer.from(macB64, 'base64');
  if (macKey && macKey.length < 32) {
    issues.push(`${formatPath([...path, 'mac_key_base64_env'])}: ${s.mac_key_base64_env} must hold base64 of at least 32 bytes`);
    return undefined;
  }
  if (!macKey || dataKeys.length !== s.data_keys.length) return undefined;
  return { dataKeys, activeKeyId: s.active_data_key, macKey };
}

/** A secret is written inline (`x`) or named by an environment variable (`x_env`), never both. */
function secretValue(
  inline: string | undefined,
  envVar: string | undefined,
  env: Env,
  path: readonly PropertyKey[],
  key: string,
  issues: string[],
): string | undefined {
  if (inline !== undefined && envVar !== undefined) {
    issues.push(`${formatPath([...path, key])}: give either ${key} or ${key}_env, not both`);
    return undefined;
  }
  if (inline !== undefined) return inline;
  if (envVar === undefined) {
    issues.push(`${formatPath([...path, key])}: is required (or ${key}_env naming an environment variable)`);
    return undefined;
  }
  const v = envValue(env, envVar);
  if (v === undefined) issues.push(`${formatPath([...path, `${key}_env`])}: environment variable ${envVar} is not set`);
  else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v)) issues.push(`${formatPath([...path, `${key}_env`])}: ${envVar} is not base64`);
  else return v;
  return undefined;
}

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

/**
 * Order-signature certificates and the encryption key pair are loaded once here, so an expired
 * certificate, a key that does not match its certificate or a wrong key usage stops the start
 * with the key path at fault. The files are read again when the server is wired.
 */
function resolveTrust(f: FileConfig, baseDir: string, issues: string[]): TrustSettings | undefined {
  const trustIssue = (path: readonly PropertyKey[], err: unknown): void => {
    if (err instanceof TrustError) issues.push(`${formatPath(path)}: ${err.message}`);
    else throw err;
  };
  const orderSignatures: TrustSettings['orderSignatures'] = {};
  f.merchants.forEach((m, i) => {
    const os = m.order_signature;
    if (!os) return;
    const at = ['merchants', i, 'order_signature'];
    const certificates = (os.certificates ?? []).map((c) => resolve(baseDir, c));
    if (os.policy !== 'off' && certificates.length === 0) issues.push(`${formatPath([...at, 'certificates'])}: needs at least one certificate when the policy is ${os.policy}`);
    certificates.forEach((c, j) => {
      try {
        const ca = loadCertificates([c]).find((x) => x.x509.ca);
        // a CA also certifies others: without pinned signers any of them could sign for this merchant
        if (ca && os.policy !== 'off' && !os.signers?.length) issues.push(`${formatPath([...at, 'signers'])}: is required because certificates[${j}] is a CA (${ca.label}); name the merchant's signing certificate by subject, certificate_sha256 or public_key_sha256`);
      } catch (err) {
        trustIssue([...at, 'certificates', j], err);
      }
    });
    orderSignatures[m.id] = { policy: os.policy, certificates, ...(os.signers?.length ? { signers: os.signers } : {}) };
  });
  const enc = f.security.encryption;
  let encryption: TrustSettings['encryption'];
  if (enc) {
    const pairs = Array.isArray(enc) ? enc : [enc];
    encryption = pairs.map((p) => ({ certificate: resolve(baseDir, p.certificate), privateKey: resolve(baseDir, p.private_key) }));
    encryption.forEach((p, i) => {
      try {
        loadCredential(p.certificate, p.privateKey, { purpose: 'encrypt' });
      } catch (err) {
        trustIssue(Array.isArray(enc) ? ['security', 'encryption', i] : ['security', 'encryption'], err);
      }
    });
  }
  const legacyCbcMerchants = f.merchants.filter((m) => m.legacy_cbc_envelopes).map((m) => m.id);
  f.merchants.forEach((m, i) => {
    if (m.legacy_cbc_envelopes && !enc) issues.push(`${formatPath(['merchants', i, 'legacy_cbc_envelopes'])}: needs security.encryption`);
  });
  const limit = f.security.encrypted_failure_limit;
  const encryptedFailureLimit = limit ? { max: limit.max, windowMs: limit.window_seconds * 1000 } : undefined;
  const sig = f.security.signing;
  let signing: TrustSettings['signing'];
  if (sig) {
    signing = { certificate: resolve(baseDir, sig.certificate), privateKey: resolve(baseDir, sig.private_key) };
    try {
      loadCredential(signing.certificate, signing.privateKey, { purpose: 'sign' });
    } catch (err) {
      trustIssue(['security', 'signing'], err);
    }
  }
  f.merchants.forEach((m, i) => {
    if (m.non_repudiation && !sig) issues.push(`${formatPath(['merchants', i, 'non_repudiation'])}: needs security.signing (Railyard's signing certificate and key)`);
  });
  if (Object.keys(orderSignatures).length === 0 && !encryption && !signing && !encryptedFailureLimit) return undefined;
  return {
    orderSignatures,
    ...(encryption ? { encryption } : {}),
    ...(signing ? { signing } : {}),
    ...(legacyCbcMerchants.length > 0 ? { legacyCbcMerchants } : {}),
    ...(encryptedFailureLimit ? { encryptedFailureLimit } : {}),
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

// ---------------------------------------------------------------------------------------------
// Sandbox

export const SANDBOX_MERCHANT_ID = 'mch_sandbox';
export const SANDBOX_CONNECTOR_ID = 'sandbox';

/**
 * Short enough that every simulator test value reaches its final state within 30 s; the code's
 * lifetime stays long enough for a person copying it from /sandbox/notifications.
 */
const sandboxEngine: EngineConfig = {
  policy: {
    otpTtlMs: 5 * 60_000,
    otpMaxAttempts: 3,
    otpMaxSends: 3,
    retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5_000 },
    pollIntervalMs: 2_000,
    pendingMaxMs: 60_000,
  },
  workerPollMs: DEFAULTS.workerPollMs,
  shutdownGraceMs: 3_000,
  // a bank call lasts at most 3 s here, so a crashed node's commands are recovered after 5 s
  leaseMs: 5_000,
};

/**
 * The sandbox's data keys, made once per data directory and kept beside the SQLite file so a
 * restart can still open the card numbers it sealed. The file is private (0600) and must never
 * be committed (./data is git-ignored).
 */
export function loadOrCreateSandboxKeys(dataDir: string): VaultKeys {
  const path = join(dataDir, SANDBOX_KEYS_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    return readSandboxKeys(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const keyId = 'sbx1';
  const file: SecurityFile = {
    data_keys: [{ id: keyId, key_base64: randomBytes(32).toString('base64') }],
    active_data_key: keyId,
    mac_key_base64: randomBytes(32).toString('base64'),
  };
  // Written aside then linked into place: link() fails if another process won the race, and a
  // crash mid-write never leaves a half-written key file that would lock the data away.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readSandboxKeys(path);
}

function readSandboxKeys(path: string): VaultKeys {
  const text = readFileSync(path, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError(['is not valid JSON; delete it only if the sandbox data may be lost too'], path);
  }
  const parsed = securitySchema.safeParse(data, { error: requiredError });
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error), path);
  const issues: string[] = [];
  const keys = resolveSecurity(parsed.data, {}, [], issues);
  if (!keys || issues.length > 0) throw new ConfigError(issues, path);
  return keys;
}

/**
 * The no-configuration setup: one sandbox bank, one sandbox merchant, SQLite under RAILYARD_DATA_DIR.
 * `RAILYARD_SANDBOX_RAILS=simulators` swaps the bank for the protocol simulators (src/sandbox-simulators.ts).
 */
export function sandboxConfig(env: Env = process.env): RailyardConfig {
  const issues: string[] = [];
  const e = readEnv(env, issues, true);
  if (issues.length > 0) throw new ConfigError(issues);
  const dataDir = e.dataDir ?? resolve(DEFAULTS.dataDir);
  const onSimulators = e.sandboxRails === 'simulators';
  return {
    mode: 'sandbox',
    server: { host: e.host ?? DEFAULTS.host, port: e.port ?? DEFAULTS.port, maxBodyBytes: DEFAULTS.maxBodyBytes },
    ...(e.databaseUrl ? { databaseUrl: e.databaseUrl } : {}),
    dataDir,
    security: loadOrCreateSandboxKeys(dataDir),
    audit: loadOrCreateSandboxAudit(dataDir),
    engine: sandboxEngine,
    refundWindowDays: DEFAULTS.refundWindowDays,
    merchants: [
      {
        id: SANDBOX_MERCHANT_ID,
        name: 'Sandbox Shop',
        apiKeyHashes: [hashApiKey(e.sandboxApiKey)],
        allowNoConfirmation: true,
        // sandbox webhooks show what a merchant asking for non-repudiation receives
        nonRepudiation: true,
        routes: onSimulators ? simulatorRoutes() : { card: SANDBOX_CONNECTOR_ID, bank_account: SANDBOX_CONNECTOR_ID },
      },
    ],
    // On simulators the connectors' addresses are added by the server once the simulators listen.
    connectors: onSimulators ? simulatorConnectors() : [
      {
        id: SANDBOX_CONNECTOR_ID,
        type: 'sandbox',
        // the journal lets the in-process bank outlive a crash of Railyard, as a real bank would
        settings: { callTimeoutMs: 3_000, settleAfterMs: 5_000, journalPath: join(dataDir, 'sandbox-bank.jsonl') },
      },
    ],
    ...(e.sandboxAllowPrivate.length > 0 ? { webhooks: { allowPrivate: e.sandboxAllowPrivate } } : {}),
    sandbox: { apiKey: e.sandboxApiKey, ...(e.sandboxWebhook ? { webhook: e.sandboxWebhook } : {}), ...(onSimulators ? { rails: e.sandboxRails } : {}) },
  };
}

/** `RAILYARD_CONFIG` set: that file; otherwise the sandbox. */
export function loadConfig(env: Env = process.env, opts: Omit<ResolveOptions, 'env' | 'baseDir'> = {}): RailyardConfig {
  const file = envValue(env, 'RAILYARD_CONFIG');
  if (file === undefined) return sandboxConfig(env);
  return loadConfigFile(isAbsolute(file) ? file : resolve(file), { ...opts, env });
}
