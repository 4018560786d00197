/**
 * bench/trust: order-signature verifications and envelope decryptions per second through
 * Railyard's CMS layer (src/trust, pkijs over webcrypto), next to the same cryptographic work
 * done with Node's `crypto` primitives directly on pre-extracted fields (the floor: no ASN.1,
 * no certificate handling). Target: Railyard at least 0.5x the floor.
 * Keys and certificates are made with the openssl CLI in a temp dir (test/trust/pki.ts).
 */
import { constants, createDecipheriv, createECDH, createHash, createPrivateKey, createPublicKey, privateDecrypt, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createTestPki, opensslSign } from '../test/trust/pki.js';
import { derExplicit, derOctetString, derSequence } from '../src/trust/der.js';
import { decryptEnvelope, encryptEnvelope, loadCertificates, loadCredential, SignatureVerifier } from '../src/trust/index.js';

const SECONDS = Number(process.env.TRUST_BENCH_SECONDS ?? 2);

async function rate(fn: () => unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up (JIT, key caches)
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

/** The SignerInfo fields the floor needs, pulled out once (outside the timed loop). */
function signerFields(der: Uint8Array) {
  const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(der).buffer).content });
  const si = sd.signerInfos[0]!;
  const digest = si.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')!.values[0] as asn1js.OctetString;
  return { signedAttrs: Buffer.from(si.signedAttrs!.encodedValue), signature: Buffer.from(si.signature.valueBlock.valueHexView), digest: Buffer.from(digest.valueBlock.valueHexView) };
}

export async function run(): Promise<unknown> {
  const pki = createTestPki();
  try {
    const body = Buffer.from(JSON.stringify({ amount: 1999, currency: 'EUR', order_id: 'order-bench-000001', payment_method: { type: 'encrypted', encrypted: 'x'.repeat(600) }, customer: { email: 'shopper@example.test' } }));
    const verifier = new SignatureVerifier(loadCertificates([pki.ca]));
    const result: Record<string, unknown> = { node: process.version, seconds: SECONDS, bodyBytes: body.length };

    for (const [name, leaf] of [['rsa2048-pkcs1', pki.rsa], ['ecdsa-p256', pki.ec256]] as const) {
      const sig = opensslSign(pki, leaf, body);
      const f = signerFields(sig);
      const pub = createPublicKey(readFileSync(leaf.cert));
      const railyard = await rate(() => verifier.verify(sig, body));
      const floor = await rate(() => {
        // message digest check + signature over the signed attributes: what any CMS verifier must do
        if (!createHash('sha256').update(body).digest().equals(f.digest)) throw new Error('digest');
        if (!nodeVerify('sha256', f.signedAttrs, pub, f.signature)) throw new Error('signature');
      });
      result[`verify-${name}`] = { railyardPerSec: railyard, nodeCryptoPerSec: floor, ratio: Math.round((railyard / floor) * 100) / 100 };
    }

    const card = Buffer.from(JSON.stringify({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2031 } }));
    for (const [name, leaf] of [['rsa2048-oaep', pki.encRsa], ['ecdh-p256', pki.encEc]] as const) {
      const cred = loadCredential(leaf.cert, leaf.key, { purpose: 'encrypt' });
      const env = await encryptEnvelope(card, cred.certificate);
      const key = createPrivateKey(readFileSync(leaf.key));
      const e = new pkijs.EnvelopedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(env).buffer).content });
      const iv = Buffer.from((e.encryptedContentInfo.contentEncryptionAlgorithm.algorithmParams as asn1js.OctetString).valueBlock.valueHexView);
      const ct = Buffer.from(e.encryptedContentInfo.getEncryptedContent());
      const cbc = (cek: Buffer) => {
        const d = createDecipheriv('aes-256-cbc', cek, iv);
        return Buffer.concat([d.update(ct), d.final()]);
      };
      let floorOp: () => Buffer;
      const ri = e.recipientInfos[0]!.value;
      if (ri instanceof pkijs.KeyTransRecipientInfo) {
        const ek = Buffer.from(ri.encryptedKey.valueBlock.valueHexView);
        floorOp = () => cbc(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ek));
      } else {
        const kari = ri as pkijs.KeyAgreeRecipientInfo;
        // the fastest Node route to an ECDH secret with a raw ephemeral point (no KeyObject per envelope)
        const ecdhFloor = createECDH('prime256v1');
        ecdhFloor.setPrivateKey(Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url'));
        const point = Buffer.from((kari.originator.value as pkijs.OriginatorPublicKey).publicKey.valueBlock.valueHexView);
        const wrapped = Buffer.from(kari.recipientEncryptedKeys.encryptedKeys[0]!.encryptedKey.valueBlock.valueHexView);
        // the SharedInfo bytes are fixed per envelope: the floor gets them precomputed
        const ukm = Buffer.from((kari.ukm as asn1js.OctetString).valueBlock.valueHexView);
        const wrapAlg = kari.keyEncryptionAlgorithm.algorithmParams as asn1js.Sequence;
        const oid = Buffer.from(new asn1js.ObjectIdentifier({ value: '2.16.840.1.101.3.4.1.45' }).toBER(false));
        const candidates = [Buffer.from(wrapAlg.valueBeforeDecodeView), derSequence(oid), derSequence(oid, Buffer.from([5, 0]))].map((keyInfo) =>
          derSequence(keyInfo, derExplicit(0, derOctetString(ukm)), derExplicit(2, derOctetString(Buffer.from([0, 0, 1, 0])))),
        );
        let sharedInfo = candidates[0]!;
        const ecdh = (info: Buffer) => {
          const z = ecdhFloor.computeSecret(point);
          const kek = createHash('sha256').update(z).update(Buffer.from([0, 0, 0, 1])).update(info).digest();
          const d = createDecipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
          return cbc(Buffer.concat([d.update(wrapped), d.final()]));
        };
        // which keyInfo encoding pkijs used is settled once here, outside the timed loop
        sharedInfo = candidates.find((c) => {
          try {
            return ecdh(c).equals(card);
          } catch {
            return false;
          }
        })!;
        floorOp = () => ecdh(sharedInfo);
      }
      if (!floorOp().equals(card)) throw new Error(`floor ${name} does not decrypt`);
      if (!Buffer.from(await decryptEnvelope(env, cred)).equals(card)) throw new Error(`railyard ${name} does not decrypt`);
      const railyard = await rate(() => decryptEnvelope(env, cred));
      const floor = await rate(floorOp);
      result[`decrypt-${name}`] = { railyardPerSec: railyard, nodeCryptoPerSec: floor, ratio: Math.round((railyard / floor) * 100) / 100 };
    }
    const ratios = Object.values(result).flatMap((v) => (typeof v === 'object' && v && 'ratio' in v ? [(v as { ratio: number }).ratio] : []));
    result.target = { minRatio: 0.5, met: ratios.every((r) => r >= 0.5) };
    return result;
  } finally {
    pki.cleanup();
  }
}
