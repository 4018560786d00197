import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseSettings } from '../../src/connector/settings.js';
import { Secret } from '../../src/domain/secret.js';
import { BatchProfileError, readBatchProfile, type BatchProfile } from '../../src/batch/profile.js';
import type { InboundProtection, OutboundProtection } from '../../src/batch/protect/index.js';
import type { SftpProfile } from '../../src/batch/transport/index.js';
import { loadCertificates, loadCredential, SignatureVerifier } from '../../src/trust/index.js';

/**
 * The connector's settings (the `settings:` block of a `demo-batch` connector in railyard.yaml):
 * the SFTP server, the bank profile of src/batch/profile.ts under `profile`, and optional file
 * protection. Keys may be given inline or as files (`privateKeyFile`); inline text wins.
 */
const sftpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1),
  privateKey: z.string().optional(),
  privateKeyFile: z.string().optional(),
  hostKeySha256: z.array(z.string()).min(1, 'pin the bank host key: without it any server could pose as the bank').max(2),
  renameMode: z.enum(['posix', 'free-name', 'fail']).default('free-name'),
  /** Per-bank algorithm lists for old servers (ssh2's names), e.g. { kex: ['diffie-hellman-group14-sha1'] }. */
  algorithms: z
    .object({
      kex: z.array(z.string()).optional(),
      cipher: z.array(z.string()).optional(),
      serverHostKey: z.array(z.string()).optional(),
      hmac: z.array(z.string()).optional(),
      compress: z.array(z.string()).optional(),
    })
    .strict()
    .optional(),
  timeouts: z
    .strictObject({ connectMs: z.number().int().positive().default(10_000), operationMs: z.number().int().positive().default(30_000), endMs: z.number().int().positive().default(3_000) })
    .prefault({}),
  retry: z.strictObject({ attempts: z.number().int().min(1).default(3), baseMs: z.number().int().min(0).default(500), maxMs: z.number().int().min(0).default(10_000) }).prefault({}),
}).refine((s) => s.privateKey !== undefined || s.privateKeyFile !== undefined, { path: ['privateKey'], error: 'give the key text or sftp.privateKeyFile' });

const protectionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({
      kind: z.literal('pgp'),
      sign: z.boolean().default(true),
      encrypt: z.boolean().default(true),
      ourPrivateKeyFile: z.string(),
      bankPublicKeyFile: z.string(),
      requireSignature: z.boolean().default(true),
    }),
    z.strictObject({ kind: z.literal('cms-detached'), certificateFile: z.string(), privateKeyFile: z.string(), bankCertificateFiles: z.array(z.string()).min(1) }),
    z.strictObject({ kind: z.literal('cms-enveloped'), certificateFile: z.string(), privateKeyFile: z.string(), bankCertificateFiles: z.array(z.string()).min(1) }),
  ])
  .default({ kind: 'none' });

/** The bank profile is src/batch/profile.ts's own schema and checks (calendar, file names), run at load. */
const profileSchema = z.unknown().superRefine((p, ctx) => {
  try {
    readBatchProfile(p);
  } catch (err) {
    if (!(err instanceof BatchProfileError)) throw err;
    const path = err.field === '(root)' ? [] : err.field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    ctx.addIssue({ code: 'custom', path, message: err.message.replace(/^batch profile: [^:]*: /, '') });
  }
});

export const settingsSchema = z.strictObject({
  id: z.string().default('demo-batch'),
  callTimeoutMs: z.number().int().positive().default(5_000),
  refundWindowDays: z.number().int().min(0).default(90),
  currencies: z.array(z.string().length(3)).default(['EUR']),
  sftp: sftpSchema,
  profile: profileSchema,
  protection: protectionSchema,
});

export interface DemoBatchSettings {
  id: string;
  callTimeoutMs: number;
  refundWindowDays: number;
  currencies: string[];
  sftp: SftpProfile;
  retry: { attempts: number; baseMs: number; maxMs: number };
  profile: BatchProfile;
  protection: { outbound: OutboundProtection; inbound: InboundProtection };
}

export class DemoBatchSettingsError extends Error {
  override readonly name = 'DemoBatchSettingsError';
}

export function readSettings(input: Record<string, unknown>): DemoBatchSettings {
  const s = parseSettings(settingsSchema, input, (message) => new DemoBatchSettingsError(`demo-batch ${message}`));
  const keyText = s.sftp.privateKey ?? (s.sftp.privateKeyFile ? readFileSync(s.sftp.privateKeyFile, 'utf8') : undefined);
  if (!keyText) throw new DemoBatchSettingsError('demo-batch settings.sftp.privateKey: give the key text or sftp.privateKeyFile');
  // checked by the schema already; read again for its typed output (defaults filled)
  const profile: BatchProfile = readBatchProfile(s.profile);
  return {
    id: s.id,
    callTimeoutMs: s.callTimeoutMs,
    refundWindowDays: s.refundWindowDays,
    currencies: s.currencies,
    sftp: {
      host: s.sftp.host,
      port: s.sftp.port,
      username: s.sftp.username,
      privateKey: new Secret(keyText),
      hostKeySha256: s.sftp.hostKeySha256,
      renameMode: s.sftp.renameMode,
      timeouts: s.sftp.timeouts,
      ...(s.sftp.algorithms ? { algorithms: s.sftp.algorithms as NonNullable<SftpProfile['algorithms']> } : {}),
    },
    retry: s.sftp.retry,
    profile,
    protection: protectionOf(s.protection),
  };
}

function protectionOf(p: z.output<typeof protectionSchema>): DemoBatchSettings['protection'] {
  switch (p.kind) {
    case 'none':
      return { outbound: { kind: 'none' }, inbound: { kind: 'none' } };
    case 'pgp': {
      const ourPrivateKey = new Secret(readFileSync(p.ourPrivateKeyFile, 'utf8'));
      const bankPublicKey = readFileSync(p.bankPublicKeyFile, 'utf8');
      return {
        outbound: { kind: 'pgp', sign: p.sign, encrypt: p.encrypt, ourPrivateKey, bankPublicKey },
        inbound: { kind: 'pgp', requireSignature: p.requireSignature, ourPrivateKey, bankPublicKey },
      };
    }
    case 'cms-detached':
    case 'cms-enveloped':
      // the same keys either way; only the shape of the files differs (.p7s beside, or .p7m around)
      return {
        outbound: { kind: p.kind, signer: loadCredential(p.certificateFile, p.privateKeyFile, { purpose: 'sign' }) },
        inbound: { kind: p.kind, verifier: new SignatureVerifier(loadCertificates(p.bankCertificateFiles)) },
      };
  }
}
