import { signDetached, TrustError, type TrustErrorCode } from '../../trust/index.js';
import { FileProtectionError, type FileProtectionErrorCode } from './errors.js';
import type { InboundProtection, OutboundProtection, ProtectedFile, UnprotectedFile } from './types.js';

type CmsOut = Extract<OutboundProtection, { kind: 'cms-detached' }>;
type CmsIn = Extract<InboundProtection, { kind: 'cms-detached' }>;

/**
 * Detached CMS: the file travels unchanged and its signature beside it as `<name>.p7s` (DER),
 * which `openssl cms -verify -binary -inform DER -content <file>` accepts.
 */
export async function protectCms(data: Uint8Array, p: CmsOut, now?: number): Promise<ProtectedFile> {
  try {
    const sig = await signDetached(data, p.signer, now === undefined ? {} : { signingTime: new Date(now) });
    return { data, extension: '', sidecar: { extension: '.p7s', data: sig } };
  } catch (err) {
    if (err instanceof TrustError) throw new FileProtectionError('bad_key', err.message);
    throw err;
  }
}

/** Trust-layer failure codes as file-protection ones (shared with the enveloped kind). */
export const CODE: Record<TrustErrorCode, FileProtectionErrorCode> = {
  malformed: 'malformed',
  invalid: 'bad_signature',
  untrusted: 'untrusted_signer',
  expired: 'untrusted_signer',
  key_usage: 'untrusted_signer',
  key_mismatch: 'untrusted_signer',
  unsupported: 'malformed',
  decrypt_failed: 'malformed',
};

export async function unprotectCms(data: Uint8Array, p: CmsIn, sidecar: Uint8Array | undefined, now?: number): Promise<UnprotectedFile> {
  if (!sidecar || sidecar.length === 0) throw new FileProtectionError('missing_sidecar', 'the file has no .p7s signature beside it');
  try {
    const v = await p.verifier.verify(sidecar, data, now === undefined ? {} : { now: new Date(now) });
    return { data, signer: v.certificate.subject };
  } catch (err) {
    if (err instanceof TrustError) throw new FileProtectionError(CODE[err.code], err.message);
    throw err;
  }
}
