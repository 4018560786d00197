/** Trust material named by the file: order-signature certificates, encryption and signing pairs. */
import { resolve } from 'node:path';
import { loadCertificates, loadCredential, TrustError } from '../trust/index.js';
import { formatPath, type FileConfig } from './schema.js';
import type { TrustSettings } from './types.js';

/**
 * Order-signature certificates and the encryption key pair are loaded once here, so an expired
 * certificate, a key that does not match its certificate or a wrong key usage stops the start
 * with the key path at fault. The files are read again when the server is wired.
 */
export function resolveTrust(f: FileConfig, baseDir: string, issues: string[]): TrustSettings | undefined {
  const trustIssue = (path: readonly PropertyKey[], err: unknown): void => {
    if (err instanceof TrustError) issues.push(`${formatPath(path)}: ${err.message}`);
    else throw err;
  };
  const orderSignatures: TrustSettings['orderSignatures'] = {};
  f.merchants.forEach((m, i) => {
    const os = m.order_signature;
    if (!os) return;
    const at = ['merchants', i, 'order_signature'];
    const certificates = (os.certificates ?? []).map((c) => resolve(baseDir, c));
    if (os.policy !== 'off' && certificates.length === 0) issues.push(`${formatPath([...at, 'certificates'])}: needs at least one certificate when the policy is ${os.policy}`);
    certificates.forEach((c, j) => {
      try {
        const ca = loadCertificates([c]).find((x) => x.x509.ca);
        // a CA also certifies others: without pinned signers any of them could sign for this merchant
        if (ca && os.policy !== 'off' && !os.signers?.length) issues.push(`${formatPath([...at, 'signers'])}: is required because certificates[${j}] is a CA (${ca.label}); name the merchant's signing certificate by subject, certificate_sha256 or public_key_sha256`);
      } catch (err) {
        trustIssue([...at, 'certificates', j], err);
      }
    });
    orderSignatures[m.id] = { policy: os.policy, certificates, ...(os.signers?.length ? { signers: os.signers } : {}) };
  });
  const enc = f.security.encryption;
  let encryption: TrustSettings['encryption'];
  if (enc) {
    const pairs = Array.isArray(enc) ? enc : [enc];
    encryption = pairs.map((p) => ({ certificate: resolve(baseDir, p.certificate), privateKey: resolve(baseDir, p.private_key) }));
    encryption.forEach((p, i) => {
      try {
        loadCredential(p.certificate, p.privateKey, { purpose: 'encrypt' });
      } catch (err) {
        trustIssue(Array.isArray(enc) ? ['security', 'encryption', i] : ['security', 'encryption'], err);
      }
    });
  }
  const legacyCbcMerchants = f.merchants.filter((m) => m.legacy_cbc_envelopes).map((m) => m.id);
  f.merchants.forEach((m, i) => {
    if (m.legacy_cbc_envelopes && !enc) issues.push(`${formatPath(['merchants', i, 'legacy_cbc_envelopes'])}: needs security.encryption`);
  });
  const limit = f.security.encrypted_failure_limit;
  const encryptedFailureLimit = limit ? { max: limit.max, windowMs: limit.window_seconds * 1000 } : undefined;
  const sig = f.security.signing;
  let signing: TrustSettings['signing'];
  if (sig) {
    signing = { certificate: resolve(baseDir, sig.certificate), privateKey: resolve(baseDir, sig.private_key) };
    try {
      loadCredential(signing.certificate, signing.privateKey, { purpose: 'sign' });
    } catch (err) {
      trustIssue(['security', 'signing'], err);
    }
  }
  f.merchants.forEach((m, i) => {
    if (m.non_repudiation && !sig) issues.push(`${formatPath(['merchants', i, 'non_repudiation'])}: needs security.signing (Railyard's signing certificate and key)`);
  });
  if (Object.keys(orderSignatures).length === 0 && !encryption && !signing && !encryptedFailureLimit) return undefined;
  return {
    orderSignatures,
    ...(encryption ? { encryption } : {}),
    ...(signing ? { signing } : {}),
    ...(legacyCbcMerchants.length > 0 ? { legacyCbcMerchants } : {}),
    ...(encryptedFailureLimit ? { encryptedFailureLimit } : {}),
  };
}
