import type { Secret } from '../../domain/secret.js';
import type { Credential, SignatureVerifier } from '../../trust/index.js';

/** How files to one bank are protected before upload. */
export type OutboundProtection =
  | { kind: 'none' }
  | {
      kind: 'pgp';
      sign: boolean;
      encrypt: boolean;
      /** Armored OpenPGP private key. */
      ourPrivateKey: Secret<string>;
      passphrase?: Secret<string>;
      /** Armored OpenPGP public key of the bank (encryption recipient). */
      bankPublicKey: string;
    }
  | { kind: 'cms-detached'; signer: Credential }
  /** The file itself becomes a CMS SignedData carrying it (`.p7m`), for banks that want one blob. */
  | { kind: 'cms-enveloped'; signer: Credential };

/** What files from one bank must carry before they are read. */
export type InboundProtection =
  | { kind: 'none' }
  | {
      kind: 'pgp';
      /** Refuse files without a valid signature by the bank's key. */
      requireSignature: boolean;
      ourPrivateKey: Secret<string>;
      passphrase?: Secret<string>;
      bankPublicKey: string;
    }
  | { kind: 'cms-detached'; verifier: SignatureVerifier }
  /** The file is a CMS SignedData; only its content, once verified, is read. */
  | { kind: 'cms-enveloped'; verifier: SignatureVerifier };

export interface ProtectedFile {
  data: Uint8Array;
  /** Appended to the file name: `.pgp` for OpenPGP, `.p7m` for enveloped CMS, otherwise empty. */
  extension: '' | '.pgp' | '.p7m';
  /** CMS: the detached signature, uploaded beside the file as `<name>.p7s`. */
  sidecar?: { extension: '.p7s'; data: Uint8Array };
}

export interface UnprotectedFile {
  data: Uint8Array;
  /** Who signed it: the bank key's fingerprint (OpenPGP) or the certificate subject (CMS). */
  signer?: string;
}
