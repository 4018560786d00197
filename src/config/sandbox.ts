/** The no-configuration setup: one sandbox merchant, the sandbox bank or the simulators, keys kept in the data dir. */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { VaultKeys } from '../domain/vault.js';
import { hashApiKey } from '../engine/merchants.js';
import { simulatorConnectors, simulatorRoutes } from '../sandbox-simulators.js';
import { loadOrCreateSandboxAudit } from '../config-audit.js';
import { readEnv } from './environment.js';
import { requiredError, securitySchema, zodIssues, type SecurityFile } from './schema.js';
import { resolveSecurity } from './security.js';
import { ConfigError, DEFAULTS, SANDBOX_KEYS_FILE, type EngineConfig, type Env, type RailyardConfig } from './types.js';

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
