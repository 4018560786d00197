/**
 * Per-bank protection of batch files: OpenPGP (sign and/or encrypt), a detached CMS signature
 * beside the file, or an enveloped CMS signature that carries the file. Outbound protects a finished file; inbound refuses anything not proven to come
 * from the bank unchanged, before a single byte of it is parsed.
 */
import { protectCms, unprotectCms } from './cms.js';
import { protectCmsEnveloped, unprotectCmsEnveloped } from './cms-enveloped.js';
import { FileProtectionError } from './errors.js';
import { protectPgp, unprotectPgp } from './pgp.js';
import type { InboundProtection, OutboundProtection, ProtectedFile, UnprotectedFile } from './types.js';

export { FileProtectionError, type FileProtectionErrorCode } from './errors.js';
export type { InboundProtection, OutboundProtection, ProtectedFile, UnprotectedFile } from './types.js';

export interface ProtectOptions {
  /** Epoch ms for the CMS signing time / verification time (default: the system clock). */
  now?: number;
}

export async function protectOutbound(data: Uint8Array, p: OutboundProtection, opts: ProtectOptions = {}): Promise<ProtectedFile> {
  switch (p.kind) {
    case 'none':
      return { data, extension: '' };
    case 'pgp':
      return protectPgp(data, p);
    case 'cms-detached':
      return protectCms(data, p, opts.now);
    case 'cms-enveloped':
      return protectCmsEnveloped(data, p, opts.now);
    default:
      throw new FileProtectionError('bad_config', `unknown protection kind "${String((p as { kind: unknown }).kind)}"`);
  }
}

export async function unprotectInbound(data: Uint8Array, p: InboundProtection, sidecar?: Uint8Array, opts: ProtectOptions = {}): Promise<UnprotectedFile> {
  switch (p.kind) {
    case 'none':
      return { data };
    case 'pgp':
      return unprotectPgp(data, p);
    case 'cms-detached':
      return unprotectCms(data, p, sidecar, opts.now);
    case 'cms-enveloped':
      return unprotectCmsEnveloped(data, p, opts.now);
    default:
      throw new FileProtectionError('bad_config', `unknown protection kind "${String((p as { kind: unknown }).kind)}"`);
  }
}
