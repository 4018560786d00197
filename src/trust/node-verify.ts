import { constants, createHash, verify, type KeyObject } from 'node:crypto';
import { children, NotDer, type AlgorithmId, algorithmOf, expectTag } from './der-reader.js';
import { TrustError } from './errors.js';
import { OID } from './oids.js';

export const HASH_BY_OID: Record<string, 'sha256' | 'sha384' | 'sha512'> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

const RSA_PKCS1: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: the hash is the SignerInfo's digest algorithm (OpenSSL writes this)
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Record<string, string | null> = {
  '1.2.840.10045.2.1': null,
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';

export function digestOf(digestOid: string, data: Uint8Array): Buffer {
  const hash = HASH_BY_OID[digestOid];
  if (!hash) throw new TrustError('unsupported', `digest algorithm ${digestOid} is not accepted (SHA-256, SHA-384, SHA-512)`);
  return createHash(hash).update(data).digest();
}

/**
 * Checks a CMS signature value with Node's primitives. ECDSA values are DER (as CMS carries
 * them); RSA-PSS parameters are read from the algorithm and must use MGF1 with the same hash.
 */
export function verifySignatureValue(alg: AlgorithmId, digestOid: string, key: KeyObject, signed: Uint8Array, signature: Uint8Array): boolean {
  const digestHash = HASH_BY_OID[digestOid];
  if (!digestHash) throw new TrustError('unsupported', `digest algorithm ${digestOid} is not accepted`);
  try {
    if (alg.oid in RSA_PKCS1) {
      if (key.asymmetricKeyType !== 'rsa') return false;
      return verify(RSA_PKCS1[alg.oid] ?? digestHash, signed, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
    if (alg.oid in ECDSA) {
      if (key.asymmetricKeyType !== 'ec') return false;
      return verify(ECDSA[alg.oid] ?? digestHash, signed, { key, dsaEncoding: 'der' }, signature);
    }
    if (alg.oid === RSA_PSS) {
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
      const p = pssParams(alg);
      return verify(p.hash, signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, signature);
    }
  } catch (err) {
    if (err instanceof TrustError) throw err;
    // a value that is not even a well-formed signature is a wrong signature
    return false;
  }
  throw new TrustError('unsupported', `signature algorithm ${alg.oid} is not supported (RSA PKCS#1 v1.5, RSA-PSS, ECDSA)`);
}

/** RSASSA-PSS-params (RFC 4055): defaults SHA-1 / MGF1-SHA-1 / salt 20, which we refuse (SHA-1). */
function pssParams(alg: AlgorithmId): { hash: string; saltLength: number } {
  let hashOid = '1.3.14.3.2.26';
  let mgfHashOid = '1.3.14.3.2.26';
  let saltLength = 20;
  try {
    for (const f of alg.params ? children(expectTag(alg.params, 0x30, 'RSASSA-PSS-params').value) : []) {
      const inner = children(f.value)[0];
      if (f.tag === 0xa0) hashOid = algorithmOf(inner).oid;
      else if (f.tag === 0xa1) {
        const mgf = algorithmOf(inner);
        if (mgf.oid !== MGF1) throw new TrustError('unsupported', 'RSA-PSS with a mask generation other than MGF1');
        mgfHashOid = algorithmOf(mgf.params).oid;
      } else if (f.tag === 0xa2) saltLength = expectTag(inner, 0x02, 'saltLength').value.reduce((n, b) => n * 256 + b, 0);
    }
  } catch (err) {
    if (err instanceof NotDer) throw new TrustError('malformed', 'the RSA-PSS parameters are malformed');
    throw err;
  }
  const hash = HASH_BY_OID[hashOid];
  if (!hash || mgfHashOid !== hashOid) throw new TrustError('unsupported', 'RSA-PSS must use SHA-256/384/512 with MGF1 over the same hash');
  return { hash, saltLength };
}
