import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine, subtle, toArrayBuffer } from './engine.js';
import { toPem } from './pem.js';

const DAY = 86_400_000;

/**
 * A self-signed RSA-2048 encryption certificate (keyUsage keyEncipherment), for the sandbox only:
 * production configures a certificate from a real CA under `security.encryption`.
 */
export async function createSelfSignedEncryptionCertificate(commonName: string, days = 825): Promise<{ certificatePem: string; privateKeyPem: string }> {
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
  // keyEncipherment only: bit 2 of the KeyUsage BIT STRING (0x20), 5 unused bits
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0x20]).buffer, unusedBits: 5 });
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

/**
 * The sandbox's encryption key pair, made once per data directory (like its data keys) so that
 * payloads encrypted to the published certificate keep working across restarts. The key file is
 * private (0600); both are written aside and linked into place so a crash never leaves half a key.
 */
export async function loadOrCreateSandboxEncryption(dataDir: string): Promise<{ certificate: string; privateKey: string }> {
  const certificate = join(dataDir, SANDBOX_ENCRYPTION_CERT);
  const privateKey = join(dataDir, SANDBOX_ENCRYPTION_KEY);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    readFileSync(certificate);
    readFileSync(privateKey);
    return { certificate, privateKey };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const made = await createSelfSignedEncryptionCertificate('Railyard Sandbox Encryption');
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
