import { EncryptionKeys } from './encryption-keys.js';
import { loadCertificates, loadCredential } from './keys.js';
import { OrderSignatures, type MerchantOrderSignature, type OrderSignaturePolicy, type SignerPin } from './order-signature.js';

export interface TrustFiles {
  orderSignatures: Record<string, { policy: OrderSignaturePolicy; certificates: string[]; signers?: SignerPin[] }>;
  /** The first pair is current; all decrypt. */
  encryption?: { certificate: string; privateKey: string }[];
}

export interface LoadedTrust {
  orderSignatures: OrderSignatures;
  encryption?: EncryptionKeys;
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
    ...(files.encryption?.length
      ? { encryption: new EncryptionKeys(files.encryption.map((e) => loadCredential(e.certificate, e.privateKey, { purpose: 'encrypt', now: now() }))) }
      : {}),
  };
}
