import { createDecipheriv, createHash } from 'node:crypto';
import { derExplicit, derOctetString, derSequence } from './der.js';
import { algorithmOf, children, expectTag, type AlgorithmId } from './der-reader.js';
import { TrustError } from './errors.js';
import { OID } from './oids.js';

const KDF_HASH: Record<string, string> = {
  [OID.ecdhStdSha1]: 'sha1',
  [OID.ecdhStdSha224]: 'sha224',
  [OID.ecdhStdSha256]: 'sha256',
  [OID.ecdhStdSha384]: 'sha384',
  [OID.ecdhStdSha512]: 'sha512',
};
const WRAP: Record<string, { cipher: string; bits: number }> = {
  [OID.aes128Wrap]: { cipher: 'id-aes128-wrap', bits: 128 },
  [OID.aes192Wrap]: { cipher: 'id-aes192-wrap', bits: 192 },
  [OID.aes256Wrap]: { cipher: 'id-aes256-wrap', bits: 256 },
};
const RFC3394_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const NULL = Buffer.from([0x05, 0x00]);

/**
 * Unwraps the content-encryption key of a KeyAgreeRecipientInfo (ECDH, RFC 5753) with Node's
 * primitives. pkijs cannot do this for OpenSSL's envelopes: when the sender sent no user keying
 * material (ukm), pkijs still puts an empty entityUInfo into the KDF input and derives the wrong
 * key. Here entityUInfo is present exactly when the envelope carries a ukm.
 */
export interface KeyAgreement {
  /** The originator's ephemeral EC point. */
  originatorKey: Uint8Array;
  ukm: Uint8Array | null;
  /** keyEncryptionAlgorithm: the KDF scheme, its parameters the key-wrap algorithm. */
  algorithm: AlgorithmId;
}

export function unwrapKeyAgree(info: KeyAgreement, encryptedKey: Uint8Array, agree: (peerPoint: Uint8Array) => Buffer): Buffer {
  const kdfHash = KDF_HASH[info.algorithm.oid];
  if (!kdfHash) throw new TrustError('unsupported', `key agreement algorithm ${info.algorithm.oid} is not supported (dhSinglePass-stdDH-sha*kdf)`);
  if (!info.algorithm.params) throw new TrustError('malformed', 'the key agreement has no key-wrap algorithm');
  const wrapAlg = algorithmOf(info.algorithm.params);
  const wrap = WRAP[wrapAlg.oid];
  if (!wrap) throw new TrustError('unsupported', `key wrap ${wrapAlg.oid} is not supported (AES key wrap)`);

  const z = agree(info.originatorKey);
  const entityUInfo = info.ukm ? Buffer.from(info.ukm) : null;
  const suppPubInfo = Buffer.alloc(4);
  suppPubInfo.writeUInt32BE(wrap.bits);

  // keyInfo as the sender encoded it first; then with and without NULL parameters, since
  // implementations disagree on whether the AES-wrap identifier carries them
  const oid = expectTag(children(expectTag(info.algorithm.params, 0x30, 'key wrap algorithm').value)[0], 0x06, 'key wrap oid').raw;
  const variants = [wrapAlg.raw, derSequence(oid), derSequence(oid, NULL)].filter((v, i, all) => all.findIndex((w) => w.equals(v)) === i);
  for (const keyInfo of variants) {
    const sharedInfo = derSequence(keyInfo, ...(entityUInfo ? [derExplicit(0, derOctetString(entityUInfo))] : []), derExplicit(2, derOctetString(suppPubInfo)));
    const kek = x963Kdf(kdfHash, z, sharedInfo, wrap.bits / 8);
    try {
      const d = createDecipheriv(wrap.cipher, kek, RFC3394_IV);
      return Buffer.concat([d.update(encryptedKey), d.final()]);
    } catch {
      // integrity check failed: try the next keyInfo encoding
    }
  }
  throw new TrustError('decrypt_failed', 'the envelope cannot be opened with this key');
}

/** ANSI X9.63 KDF: Hash(Z || counter || SharedInfo), counter from 1, until enough bytes. */
function x963Kdf(hash: string, z: Buffer, sharedInfo: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let have = 0;
  for (let counter = 1; have < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(z).update(c).update(sharedInfo).digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}
