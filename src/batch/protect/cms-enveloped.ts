import { signEnveloped, TrustError } from '../../trust/index.js';
import { CODE } from './cms.js';
import { FileProtectionError } from './errors.js';
import type { InboundProtection, OutboundProtection, ProtectedFile, UnprotectedFile } from './types.js';

type EnvelopedOut = Extract<OutboundProtection, { kind: 'cms-enveloped' }>;
type EnvelopedIn = Extract<InboundProtection, { kind: 'cms-enveloped' }>;

/**
 * Enveloped CMS: the file travels as one DER SignedData carrying it, named `<name>.p7m`, which
 * `openssl cms -verify -binary -inform DER -in <file>.p7m -out <file>` unpacks.
 */
export async function protectCmsEnveloped(data: Uint8Array, p: EnvelopedOut, now?: number): Promise<ProtectedFile> {
  try {
    const blob = await signEnveloped(data, p.signer, now === undefined ? {} : { signingTime: new Date(now) });
    return { data: blob, extension: '.p7m' };
  } catch (err) {
    if (err instanceof TrustError) throw new FileProtectionError('bad_key', err.message);
    throw err;
  }
}

/**
 * A bank's `.p7m`: the content is returned only after the whole signature checked out. A file that
 * is not even DER (a plain XML file where a signed one was agreed) is `unsigned`, so operators
 * can tell "the bank did not sign" from "the signature is damaged".
 */
export async function unprotectCmsEnveloped(data: Uint8Array, p: EnvelopedIn, now?: number): Promise<UnprotectedFile> {
  // every CMS ContentInfo opens with a SEQUENCE tag
  if (data.length === 0 || data[0] !== 0x30) throw new FileProtectionError('unsigned', 'the file is not a CMS signed message (.p7m) and one is required');
  try {
    const v = await p.verifier.verifyEnveloped(data, now === undefined ? {} : { now: new Date(now) });
    return { data: v.content, signer: v.certificate.subject };
  } catch (err) {
    if (err instanceof TrustError) throw new FileProtectionError(CODE[err.code], err.message);
    throw err;
  }
}
