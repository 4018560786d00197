import { loadCertificates, loadCredential, type Credential } from './keys.js';
import { OrderSignatures, type MerchantOrderSignature, type OrderSignaturePolicy, type SignerPin } from './order-signature.js';

export interface TrustFiles {
  orderSignatures: Record<string, { policy: OrderSignaturePolicy; certificates: string[]; signers?: SignerPin[] }>;
  encryption?: { certificate: string; privateKey: string };
}

export interface LoadedTrust {
  orderSignatures: OrderSignatures;
  encryption?: Credential;
}

/** Loads what the configuration names (PEM paths), with the start-up checks of `loadCredential`. */
export function loadTrust(files: TrustFiles, now: () => Date): LoadedTrust {
  const merchants = new Map<string, MerchantOrderSignature>();
  for (const [id, m] of Object.entries(files.orderSignatures)) {
    merchants.set(id, { policy: m.policy, certificates: loadCertificates(m.certificates, { now: now() }), ...(m.signers ? { signers: m.signers } : {}) });
  }
  return {
    // always present: a merchant without a certificate must still have a sent signature refused
    orderSignatures: new OrderSignatures(merchants, { now }),
    ...(files.encryption ? { encryption: loadCredential(files.encryption.certificate, files.encryption.privateKey, { purpose: 'encrypt', now: now() }) } : {}),
  };
}
