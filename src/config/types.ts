/** The resolved configuration's types, its error, and the defaults every resolution shares. */
import type { VaultKeys } from '../domain/vault.js';
import type { PaymentPolicy } from '../engine/machine-types.js';
import type { Merchant } from '../engine/merchants.js';
import type { SandboxRails } from '../sandbox-simulators.js';
import type { SmtpSettings } from '../notify/email/smtp-notifier.js';
import type { AuditSettings } from '../config-audit.js';
import type { OrderSignaturePolicy } from '../trust/index.js';
import type { SignerPin } from '../trust/order-signature.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConnectorConfig {
  id: string;
  /** A key of the connector registry (connectors/registry.ts). */
  type: string;
  /**
   * Passed to the factory as `env.settings`, with `id` added. camelCase keys, as the connector's
   * `settingsSchema` names them (a file writes them in snake_case; resolveConfig maps them).
   */
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
