import { createHash } from 'node:crypto';
import type { Headers, SignRequest } from '../../src/iso20022/transport/types.js';
import type { TrustedCertificate } from '../../src/trust/certificate.js';
import type { Credential } from '../../src/trust/keys.js';
import { signEnveloped } from '../../src/trust/sign.js';
import { parseSignedDataDer } from '../../src/trust/signed-data.js';
import { SignatureVerifier } from '../../src/trust/verify.js';
import type { ReplyCheck } from './evidence.js';

/**
 * The enveloped form of bank evidence, for banks that take and send one CMS SignedData blob with
 * the XML inside instead of the XML and a detached signature beside it.
 */
export const CMS_CONTENT_TYPE = 'application/pkcs7-mime; smime-type=signed-data';

/** Replaces the body by the DER SignedData carrying it; the hook's content-type says so. */
export function envelopingSigner(signer: Credential): SignRequest {
  return async (body: Uint8Array, headers: Headers) => ({
    headers: { ...headers, 'content-type': CMS_CONTENT_TYPE },
    body: await signEnveloped(body, signer),
  });
}

/**
 * `check` says whether the bank signed it; `xml` is what may be read: the verified content, or
 * when the check failed the content as found (null if there is none), read only so that an
 * approval can go to manual review; with a failed check nothing read can complete a payment.
 */
export interface OpenedReply {
  check: ReplyCheck;
  xml: string | null;
}

export class EnvelopedReplyOpener {
  private readonly verifier: SignatureVerifier;

  constructor(bankCertificates: readonly TrustedCertificate[]) {
    this.verifier = new SignatureVerifier(bankCertificates);
  }

  /** Verifies first; only the bytes the bank's signature covers are ever read as trusted. */
  async open(der: Uint8Array): Promise<OpenedReply> {
    try {
      const v = await this.verifier.verifyEnveloped(der);
      return {
        xml: Buffer.from(v.content).toString('utf8'),
        check: {
          ok: true,
          // The blob carries the message in clear (IBANs, names) and evidence must hold no account
          // data, so it is named by its hash; the content hash ties it to what was applied.
          evidence: {
            bank_signer: v.certificate.subject,
            ...(v.signingTime ? { bank_signed_at: v.signingTime.toISOString() } : {}),
            body_sha256: sha256(v.content),
            bank_signature_form: 'enveloped',
            bank_signature_sha256: sha256(der),
          },
        },
      };
    } catch {
      return { xml: unverifiedContent(der), check: { ok: false, reason: 'the bank reply is not enveloped in a valid signature by the bank' } };
    }
  }
}

/** The content of a SignedData as found, or the bytes themselves when they are no CMS at all (a bank that did not sign). */
export function unverifiedContent(bytes: Uint8Array): string | null {
  let content: Buffer | null;
  try {
    content = parseSignedDataDer(bytes).content;
  } catch {
    return looksLikeXml(bytes) ? Buffer.from(bytes).toString('utf8') : null;
  }
  return content === null ? null : content.toString('utf8');
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// A DER SignedData starts with 0x30; XML with '<' (after an optional BOM or whitespace).
function looksLikeXml(bytes: Uint8Array): boolean {
  return Buffer.from(bytes).toString('utf8').trimStart().startsWith('<'); // trimStart drops a BOM too
}
