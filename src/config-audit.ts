/**
 * Configuration of the audit trail (src/store/audit-chain.ts, src/trust/audit-checkpoint.ts):
 * the audit keys under `security` and the checkpoint schedule under `audit`. Production must name
 * its keys; the sandbox makes one per data directory, kept beside its other keys.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AuditKeyring } from './store/audit-chain.js';

export interface AuditSettings {
  keys: AuditKeyring;
  /** A signed checkpoint of every chain head is written this often (real time). */
  checkpointIntervalMs: number;
  /** Where checkpoints are written; copy them elsewhere (they are worth most off this host). */
  checkpointDir: string;
}

export const AUDIT_DEFAULTS = { checkpointIntervalSeconds: 3600, sandboxCheckpointIntervalSeconds: 300, checkpointDirName: 'audit-checkpoints' } as const;
export const SANDBOX_AUDIT_KEY_FILE = 'sandbox-audit-key.json';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });

/** Entries of `security.audit_keys`. */
export const auditKeySchema = z.strictObject({
  id: z.string().regex(KEY_ID, { error: 'must be 1-32 letters, digits, _ or -' }),
  key_base64: z.string().optional(),
  key_base64_env: envName.optional(),
});

/** The top-level `audit` section. */
export const auditSectionSchema = z.strictObject({
  checkpoint_interval_seconds: z.number().int().min(10).max(7 * 86_400).optional(),
  checkpoint_dir: z.string().min(1).optional(),
});

type Env = Readonly<Record<string, string | undefined>>;
type KeyEntry = z.infer<typeof auditKeySchema>;

/**
 * `security.audit_keys` + `security.active_audit_key` -> a keyring, or undefined with issues
 * pushed. Keys are at least 32 bytes; the active one signs new rows, every listed one verifies
 * (keep retired keys listed for as long as their rows must verify).
 */
export function resolveAuditKeys(
  keys: readonly KeyEntry[] | undefined,
  active: string | undefined,
  env: Env,
  path: readonly string[],
  issues: string[],
): AuditKeyring | undefined {
  const at = (...p: (string | number)[]): string => [...path, ...p].map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`)).join('').replace(/^\./, '').replace(/\.\[/g, '[');
  if (!keys || keys.length === 0) {
    issues.push(`${at('audit_keys')}: is required (at least one audit key: id and key_base64 or key_base64_env; \`openssl rand -base64 32\`)`);
    return undefined;
  }
  const out: { id: string; key: Buffer }[] = [];
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k.id)) issues.push(`${at('audit_keys', i, 'id')}: duplicate audit key id "${k.id}"`);
    seen.add(k.id);
    if ((k.key_base64 === undefined) === (k.key_base64_env === undefined)) {
      issues.push(`${at('audit_keys', i, 'key_base64')}: give exactly one of key_base64 or key_base64_env`);
      return;
    }
    const b64 = k.key_base64 ?? env[k.key_base64_env ?? ''];
    if (b64 === undefined || b64 === '') {
      issues.push(`${at('audit_keys', i, 'key_base64_env')}: environment variable ${k.key_base64_env ?? ''} is not set`);
      return;
    }
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(b64) && b64.length % 4 === 0 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (key.length < 32) {
      // the value itself is a secret: never echoed
      issues.push(`${at('audit_keys', i, k.key_base64 !== undefined ? 'key_base64' : 'key_base64_env')}: must be base64 of at least 32 bytes`);
      return;
    }
    out.push({ id: k.id, key });
  });
  const activeId = active ?? (keys.length === 1 ? keys[0]?.id : undefined);
  if (activeId === undefined) issues.push(`${at('active_audit_key')}: is required when there is more than one audit key`);
  else if (!seen.has(activeId)) issues.push(`${at('active_audit_key')}: "${activeId}" is not among audit_keys ids`);
  if (activeId === undefined || out.length !== keys.length || !seen.has(activeId)) return undefined;
  return new AuditKeyring(activeId, out);
}

export function resolveAuditSettings(section: z.infer<typeof auditSectionSchema> | undefined, keys: AuditKeyring, dataDir: string, baseDir: string): AuditSettings {
  return {
    keys,
    checkpointIntervalMs: (section?.checkpoint_interval_seconds ?? AUDIT_DEFAULTS.checkpointIntervalSeconds) * 1000,
    checkpointDir: section?.checkpoint_dir ? resolve(baseDir, section.checkpoint_dir) : join(dataDir, AUDIT_DEFAULTS.checkpointDirName),
  };
}

/**
 * The sandbox's audit key, made once per data directory (0600, written aside and linked into place
 * like the sandbox's data keys) so its chains still verify after a restart.
 */
export function loadOrCreateSandboxAudit(dataDir: string): AuditSettings {
  const path = join(dataDir, SANDBOX_AUDIT_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ audit_keys: [{ id: 'sbx-audit-1', key_base64: randomBytes(32).toString('base64') }], active_audit_key: 'sbx-audit-1' }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
    text = readFileSync(path, 'utf8');
  }
  const parsed = z.strictObject({ audit_keys: z.array(auditKeySchema), active_audit_key: z.string().optional() }).safeParse(JSON.parse(text));
  const issues: string[] = [];
  const keys = parsed.success ? resolveAuditKeys(parsed.data.audit_keys, parsed.data.active_audit_key, {}, [], issues) : undefined;
  if (!keys) throw new Error(`${path}: not a usable audit key file (${issues.join('; ') || 'bad shape'}); delete it only if the audit history may be reset`);
  return { keys, checkpointIntervalMs: AUDIT_DEFAULTS.sandboxCheckpointIntervalSeconds * 1000, checkpointDir: join(dataDir, AUDIT_DEFAULTS.checkpointDirName) };
}
