/**
 * The configuration file's shape (snake_case, as written by operators) and how its problems are
 * worded: `path: message`, the path as the file spells it.
 */
import { z } from 'zod';
import type { ConnectorRegistry } from '../../connectors/registry.js';
import { smtpFileSchema } from '../notify/email/smtp-config.js';
import { parseAllowEntry } from '../notify/webhooks/destination.js';
import { auditKeySchema, auditSectionSchema } from '../config-audit.js';
import { settingsFromFile } from './connector-settings.js';

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

export const securitySchema = z.strictObject({
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

/**
 * `settings` is checked against the connector type's own schema (connectors/registry.ts) and comes
 * out in the code's camelCase; its problems join the file's, as `connectors[i].settings.<key>`.
 */
const connectorSchema = (registry: ConnectorRegistry) =>
  z
    .strictObject({
      id: z.string().regex(CONNECTOR_ID, { error: 'must be 2-40 lower-case letters, digits or dashes, starting with a letter' }),
      type: z.string().refine((t) => Object.hasOwn(registry, t), {
        error: (iss) => `unknown connector type "${String(iss.input)}" (known: ${Object.keys(registry).join(', ')})`,
      }),
      settings: z.record(z.string(), z.unknown()).optional(),
    })
    .transform((c, ctx) => {
      const entry = registry[c.type];
      if (!entry) return { ...c, settings: {} };
      const { settings, issues } = settingsFromFile(entry.settings, c.settings ?? {});
      for (const i of issues) ctx.issues.push({ code: 'custom', path: ['settings', ...i.path], message: i.message, input: c.settings });
      return { ...c, settings };
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

export const fileSchema = (registry: ConnectorRegistry) =>
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

export type FileConfig = z.infer<ReturnType<typeof fileSchema>>;
export type SecurityFile = z.infer<typeof securitySchema>;

/** `['merchants', 0, 'api_keys', 1, 'sha256']` -> `merchants[0].api_keys[1].sha256` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

export const requiredError = (iss: { code?: string; input?: unknown }): string | undefined =>
  iss.code === 'invalid_type' && iss.input === undefined ? 'is required' : undefined;

export function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => `${formatPath([...prefix, ...i.path, k])}: unknown key`);
    }
    return [`${formatPath([...prefix, ...i.path])}: ${i.message}`];
  });
}
