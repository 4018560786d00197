import * as openpgp from 'openpgp';
import type { Secret } from '../../domain/secret.js';
import { FileProtectionError, reasonOf } from './errors.js';
import type { InboundProtection, OutboundProtection, ProtectedFile, UnprotectedFile } from './types.js';

type PgpOut = Extract<OutboundProtection, { kind: 'pgp' }>;
type PgpIn = Extract<InboundProtection, { kind: 'pgp' }>;
/** The part of openpgp's per-signature result we use (its own type is not exported). */
interface SignatureCheck {
  keyID: openpgp.KeyID;
  verified: Promise<true>;
}

/** Our private key, unlocked with its passphrase when it has one. */
async function privateKey(armored: Secret<string>, passphrase: Secret<string> | undefined): Promise<openpgp.PrivateKey> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored.reveal() });
  } catch (err) {
    throw new FileProtectionError('bad_key', `our OpenPGP private key cannot be read: ${reasonOf(err)}`);
  }
  if (key.isDecrypted()) return key;
  if (!passphrase) throw new FileProtectionError('bad_key', 'our OpenPGP private key is locked and no passphrase is configured');
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase: passphrase.reveal() });
  } catch {
    throw new FileProtectionError('bad_key', 'our OpenPGP private key cannot be unlocked with the configured passphrase');
  }
}

async function publicKey(armored: string): Promise<openpgp.Key> {
  try {
    return await openpgp.readKey({ armoredKey: armored });
  } catch (err) {
    throw new FileProtectionError('bad_key', `the bank's OpenPGP public key cannot be read: ${reasonOf(err)}`);
  }
}

/**
 * Binary OpenPGP: signed and encrypted (one message, signature inside the encryption), signed
 * only (an inline-signed message) or encrypted only. Binary output: banks' SFTP gateways take
 * `.pgp` files, and armor would only grow them by a third.
 */
export async function protectPgp(data: Uint8Array, p: PgpOut): Promise<ProtectedFile> {
  if (!p.sign && !p.encrypt) throw new FileProtectionError('bad_config', 'pgp protection with neither sign nor encrypt: use kind "none"');
  const message = await openpgp.createMessage({ binary: data });
  const signingKeys = p.sign ? await privateKey(p.ourPrivateKey, p.passphrase) : undefined;
  try {
    if (p.encrypt) {
      const encryptionKeys = await publicKey(p.bankPublicKey);
      const out = await openpgp.encrypt({ message, encryptionKeys, ...(signingKeys ? { signingKeys } : {}), format: 'binary' });
      return { data: out, extension: '.pgp' };
    }
    const out = await openpgp.sign({ message, signingKeys: signingKeys as openpgp.PrivateKey, format: 'binary' });
    return { data: out, extension: '.pgp' };
  } catch (err) {
    if (err instanceof FileProtectionError) throw err;
    throw new FileProtectionError('bad_key', `OpenPGP protection failed: ${reasonOf(err)}`);
  }
}

async function readMessage(data: Uint8Array): Promise<openpgp.Message<Uint8Array | string>> {
  try {
    const head = new TextDecoder().decode(data.subarray(0, 64)).trimStart();
    // some banks armor their files although the name says .pgp: accept both
    if (head.startsWith('-----BEGIN PGP MESSAGE-----')) return await openpgp.readMessage({ armoredMessage: new TextDecoder().decode(data) });
    return await openpgp.readMessage({ binaryMessage: data });
  } catch (err) {
    throw new FileProtectionError('malformed', `not an OpenPGP message: ${reasonOf(err)}`);
  }
}

/**
 * Opens a bank's file. Signatures are checked the strict way (what `expectSigned` means): every
 * signature the file carries must be by the bank's key and must verify, each verification promise
 * is awaited before any byte is returned, and with `requireSignature` a file without a signature is
 * refused. A file that is signed but fails is refused even when signatures are not required:
 * a broken signature is evidence of tampering, not the absence of a promise.
 * Encryption is not required: a bank that only signs is accepted when its signature is good.
 */
export async function unprotectPgp(data: Uint8Array, p: PgpIn): Promise<UnprotectedFile> {
  const bankKey = await publicKey(p.bankPublicKey);
  const message = await readMessage(data);
  let result: { data: Uint8Array; signatures: SignatureCheck[] };
  if (message.getEncryptionKeyIDs().length > 0) {
    const decryptionKeys = await privateKey(p.ourPrivateKey, p.passphrase);
    try {
      const r = await openpgp.decrypt({ message, decryptionKeys, verificationKeys: bankKey, format: 'binary' });
      result = { data: toBytes(r.data), signatures: r.signatures };
    } catch (err) {
      throw new FileProtectionError('decrypt_failed', `the file cannot be decrypted with our key: ${reasonOf(err)}`);
    }
  } else {
    try {
      const r = await openpgp.verify({ message, verificationKeys: bankKey, format: 'binary' });
      result = { data: toBytes(r.data), signatures: r.signatures };
    } catch (err) {
      throw new FileProtectionError('malformed', `the OpenPGP message cannot be read: ${reasonOf(err)}`);
    }
  }
  if (result.signatures.length === 0) {
    if (p.requireSignature) throw new FileProtectionError('unsigned', 'the file carries no OpenPGP signature and one is required');
    return { data: result.data };
  }
  const bankIds = new Set(bankKey.getKeyIDs().map((k) => k.toHex()));
  for (const s of result.signatures) {
    if (!bankIds.has(s.keyID.toHex())) throw new FileProtectionError('untrusted_signer', `the file is signed by key ${s.keyID.toHex()}, not by the bank's key`);
    try {
      await s.verified;
    } catch (err) {
      throw new FileProtectionError('bad_signature', `the bank's signature does not match the file: ${reasonOf(err)}`);
    }
  }
  return { data: result.data, signer: bankKey.getFingerprint() };
}

/** With format 'binary' and a non-streamed message openpgp returns bytes; anything else is a bug. */
function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new FileProtectionError('malformed', 'the OpenPGP library returned no binary data');
}
