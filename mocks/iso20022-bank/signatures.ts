import { CMS_CONTENT_TYPE, unverifiedContent } from '../../connectors/demo-sepa/enveloped.js';
import { REPLY_SIGNATURE_HEADER } from '../../connectors/demo-sepa/evidence.js';
import type { Credential } from '../../src/trust/keys.js';
import { signDetached, signEnveloped } from '../../src/trust/sign.js';
import type { SignatureVerifier } from '../../src/trust/verify.js';

/**
 * How the simulated bank signs: `detached` (the XML as it is, the signature in a header) or
 * `enveloped` (one DER CMS SignedData with the XML inside, in both directions).
 */
export type BankSignatureMode = 'detached' | 'enveloped';

/** How the bank found Railyard's request signatures. */
export interface SignatureChecks {
  verified: number;
  failed: number;
  missing: number;
}

const XML_TYPE = 'application/xml; charset=utf-8';

/**
 * The XML of a request. Detached: the body, its `x-railyard-signature` checked when a verifier is
 * given. Enveloped: the content of the SignedData, verified when a verifier is given; a bank that
 * is not told to check still unwraps it. null: no XML in it. Outcomes of checks are only counted:
 * tests read `signatureChecks` to see what Railyard sent.
 */
export async function requestXml(
  body: Uint8Array,
  detachedSignature: string | undefined,
  mode: BankSignatureMode,
  verifier: SignatureVerifier | undefined,
  checks: SignatureChecks,
): Promise<string | null> {
  if (mode === 'detached') {
    if (verifier) await count(checks, detachedSignature === undefined ? undefined : verifier.verify(Buffer.from(detachedSignature, 'base64'), body));
    return Buffer.from(body).toString('utf8');
  }
  const found = unverifiedContent(body);
  if (!verifier) return found;
  // Plain XML (no SignedData around it) is a missing signature, not a failed one.
  const isCms = body[0] === 0x30;
  if (!isCms) {
    checks.missing++;
    return found;
  }
  try {
    const v = await verifier.verifyEnveloped(body);
    checks.verified++;
    return Buffer.from(v.content).toString('utf8');
  } catch {
    checks.failed++;
    return found;
  }
}

async function count(checks: SignatureChecks, check: Promise<unknown> | undefined): Promise<void> {
  if (!check) {
    checks.missing++;
    return;
  }
  try {
    await check;
    checks.verified++;
  } catch {
    checks.failed++;
  }
}

/**
 * A reply or push as the bank sends it when it signs. `tamper`: the fault `bad_signature`, a real
 * signature that does not cover what is sent, so only checking it reveals the problem.
 */
export async function signedReply(xml: string, signer: Credential, mode: BankSignatureMode, tamper = false): Promise<{ body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> }> {
  if (mode === 'detached') {
    const signature = await signDetached(Buffer.from(tamper ? `${xml} ` : xml, 'utf8'), signer);
    return { body: xml, headers: { 'content-type': XML_TYPE, [REPLY_SIGNATURE_HEADER]: Buffer.from(signature).toString('base64') } };
  }
  const der = new Uint8Array(await signEnveloped(Buffer.from(xml, 'utf8'), signer));
  if (tamper) tamperContent(der, xml);
  return { body: der, headers: { 'content-type': CMS_CONTENT_TYPE } };
}

// One space of the embedded XML becomes a newline: same length (the DER stays well formed) and
// still readable XML, but no longer the bytes that were signed.
function tamperContent(der: Uint8Array<ArrayBuffer>, xml: string): void {
  const content = Buffer.from(xml, 'utf8');
  const at = Buffer.from(der.buffer, der.byteOffset, der.byteLength).indexOf(content);
  const space = content.indexOf(0x20);
  if (at < 0 || space < 0) throw new Error('bad_signature: no embedded content to tamper with');
  der[at + space] = 0x0a;
}
