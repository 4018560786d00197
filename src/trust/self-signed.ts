import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, subtle, toArrayBuffer } from './engine.js';
import { toPem } from './pem.js';

const DAY = 86_400_000;

/** KeyUsage BIT STRING contents: keyEncipherment is bit 2; digitalSignature bit 0 and nonRepudiation bit 1. */
const KEY_USAGE = {
  encrypt: { bits: 0x20, unused: 5 },
  sign: { bits: 0xc0, unused: 6 },
} as const;

/**
 * A self-signed RSA-2048 encryption certificate (keyUsage keyEncipherment), for the sandbox only:
 * production configures a certificate from a real CA under `security.encryption`.
 */
export function createSelfSignedEncryptionCertificate(commonName: string, days = 825): Promise<{ certificatePem: string; privateKeyPem: string }> {
  return createSelfSigned(commonName, 'encrypt', days);
}

/** A self-signed RSA-2048 signing certificate (digitalSignature, nonRepudiation), sandbox only. */
export function createSelfSignedSigningCertificate(commonName: string, days = 825): Promise<{ certificatePem: string; privateKeyPem: string }> {
  return createSelfSigned(commonName, 'sign', days);
}

async function createSelfSigned(commonName: string, purpose: keyof typeof KEY_USAGE, days: number): Promise<{ certificatePem: string; privateKeyPem: string }> {
  cryptoEngine();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])) });
  const name = [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: commonName }) })];
  cert.subject.typesAndValues = name;
  cert.issuer.typesAndValues = name;
  const now = Date.now();
  cert.notBefore.value = new Date(now - DAY);
  cert.notAfter.value = new Date(now + days * DAY);
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(toArrayBuffer(publicKey.export({ format: 'der', type: 'spki' })));
  const usage = KEY_USAGE[purpose];
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([usage.bits]).buffer, unusedBits: usage.unused });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: keyUsage.toBER(false) }),
  ];
  const signingKey = await subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  await cert.sign(signingKey as unknown as Parameters<pkijs.Certificate['sign']>[0], 'SHA-256');
  return {
    certificatePem: toPem('CERTIFICATE', new Uint8Array(cert.toSchema().toBER(false))),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export const SANDBOX_ENCRYPTION_CERT = 'sandbox-encryption.pem';
export const SANDBOX_ENCRYPTION_KEY = 'sandbox-encryption.key';

export const SANDBOX_SIGNING_CERT = 'sandbox-signing.pem';
export const SANDBOX_SIGNING_KEY = 'sandbox-signing.key';

/**
 * The sandbox's encryption key pair, made once per data directory (like its data keys) so that
 * payloads encrypted to the published certificate keep working across restarts.
 */
export function loadOrCreateSandboxEncryption(dataDir: string): Promise<{ certificate: string; privateKey: string }> {
  return loadOrCreatePair(dataDir, SANDBOX_ENCRYPTION_CERT, SANDBOX_ENCRYPTION_KEY, () => createSelfSignedEncryptionCertificate('Railyard Sandbox Encryption'));
}

/** The sandbox's signing key pair (non-repudiation signatures on webhooks), made once per data directory. */
export function loadOrCreateSandboxSigning(dataDir: string): Promise<{ certificate: string; privateKey: string }> {
  return loadOrCreatePair(dataDir, SANDBOX_SIGNING_CERT, SANDBOX_SIGNING_KEY, () => createSelfSignedSigningCertificate('Railyard Sandbox Signing'));
}

export const SANDBOX_MERCHANT_SIGNING_CERT = 'sandbox-merchant-signing.pem';
export const SANDBOX_MERCHANT_SIGNING_KEY = 'sandbox-merchant-signing.key';

/**
 * The sandbox merchant's order-signing pair (a test certificate and key, made once per data
 * directory): a gateway developer signs orders with it to try `Railyard-Order-Signature`, e.g.
 * `openssl cms -sign -binary -outform DER -md sha256 -signer sandbox-merchant-signing.pem -inkey sandbox-merchant-signing.key -in order.json | base64 -w0`.
 */
export function loadOrCreateSandboxMerchantSigning(dataDir: string): Promise<{ certificate: string; privateKey: string }> {
  return loadOrCreatePair(dataDir, SANDBOX_MERCHANT_SIGNING_CERT, SANDBOX_MERCHANT_SIGNING_KEY, () => createSelfSignedSigningCertificate('Railyard Sandbox Merchant mch_sandbox'));
}

/**
 * A key pair kept in the data directory. The key file is private (0600); both are written aside
 * and linked into place so a crash never leaves half a key.
 */
async function loadOrCreatePair(
  dataDir: string,
  certName: string,
  keyName: string,
  make: () => Promise<{ certificatePem: string; privateKeyPem: string }>,
): Promise<{ certificate: string; privateKey: string }> {
  const certificate = join(dataDir, certName);
  const privateKey = join(dataDir, keyName);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    readFileSync(certificate);
    readFileSync(privateKey);
    return { certificate, privateKey };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const made = await make();
  // key first; a process that loses the race for the key drops its pair and waits for the
  // winner's certificate, so key and certificate always come from the same process
  if (place(privateKey, made.privateKeyPem, 0o600)) place(certificate, made.certificatePem, 0o644);
  else {
    for (let i = 0; i < 100; i++) {
      try {
        readFileSync(certificate);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  return { certificate, privateKey };
}

/** False when another process placed the file first. */
function place(path: string, text: string, mode: number): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    unlinkSync(tmp);
  }
}
