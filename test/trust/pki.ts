import { TrustError } from '../../src/trust/index.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the openssl CLI; throws with its stderr on failure. */
export function openssl(args: string[], opts: { cwd?: string; input?: Buffer } = {}): Buffer {
  return execFileSync('openssl', args, { cwd: opts.cwd, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface Leaf {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  ca: string;
  rsa: Leaf;
  /** An RSA key whose owner signs with PSS (`-keyopt rsa_padding_mode:pss`). */
  pss: Leaf;
  /** An RSA-PSS-only key (id-RSASSA-PSS, `genpkey -algorithm RSA-PSS`). */
  pssOnly: Leaf;
  ec256: Leaf;
  ec384: Leaf;
  /** Railyard's encryption certificates: RSA (keyEncipherment) and EC P-256 (keyAgreement). */
  encRsa: Leaf;
  encEc: Leaf;
  /** Issued by the test CA, valid 2020-01-01 .. 2021-01-01. */
  expired: Leaf;
  /** Self-signed, trusted by no one. */
  stranger: Leaf;
  path(name: string): string;
  read(path: string): string;
  cleanup(): void;
}

/** A test CA and leaf certificates made with the openssl CLI in a fresh temp directory. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-pki-'));
  const p = (n: string) => join(dir, n);
  const run = (args: string[]) => openssl(args, { cwd: dir });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Railyard Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(p('sig.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
  writeFileSync(p('enc-rsa.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,keyEncipherment\n');
  writeFileSync(p('enc-ec.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,keyAgreement\n');
  const leaf = (name: string, keyArgs: string[], ext: string, cn: string): Leaf => {
    run(['genpkey', ...keyArgs, '-out', `${name}.key`]);
    run(['req', '-new', '-key', `${name}.key`, '-subj', `/O=Test Merchant/CN=${cn}`, '-out', `${name}.csr`]);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256', '-extfile', ext, '-out', `${name}.pem`]);
    return { cert: p(`${name}.pem`), key: p(`${name}.key`) };
  };
  const rsaArgs = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const ec = (curve: string) => ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`];
  const rsa = leaf('rsa', rsaArgs, 'sig.ext', 'merchant-rsa');
  const pss = leaf('pss', rsaArgs, 'sig.ext', 'merchant-pss');
  const pssOnly = leaf('pss-only', ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'], 'sig.ext', 'merchant-pss-only');
  const ec256 = leaf('ec256', ec('P-256'), 'sig.ext', 'merchant-ec256');
  const ec384 = leaf('ec384', ec('P-384'), 'sig.ext', 'merchant-ec384');
  const encRsa = leaf('enc-rsa', rsaArgs, 'enc-rsa.ext', 'railyard-enc-rsa');
  const encEc = leaf('enc-ec', ec('P-256'), 'enc-ec.ext', 'railyard-enc-ec');

  // `openssl ca` is the one OpenSSL 3.0 way to set a validity period in the past
  mkdirSync(p('newcerts'));
  writeFileSync(p('index.txt'), '');
  writeFileSync(p('serial'), '1000\n');
  writeFileSync(
    p('ca.cnf'),
    `[ca]\ndefault_ca = d\n[d]\ndir = ${dir}\ndatabase = ${dir}/index.txt\nnew_certs_dir = ${dir}/newcerts\nserial = ${dir}/serial\n` +
      'default_md = sha256\npolicy = any\nx509_extensions = ext\n[any]\ncommonName = supplied\norganizationName = optional\n' +
      '[ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n',
  );
  run(['genpkey', ...ec('P-256'), '-out', 'expired.key']);
  run(['req', '-new', '-key', 'expired.key', '-subj', '/CN=merchant-expired', '-out', 'expired.csr']);
  run(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.pem',
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-notext']);
  const expired = { cert: p('expired.pem'), key: p('expired.key') };

  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'stranger.key', '-out', 'stranger.pem',
    '-days', '30', '-subj', '/CN=merchant-rsa']);
  const stranger = { cert: p('stranger.pem'), key: p('stranger.key') };

  return {
    dir,
    ca: p('ca.pem'),
    rsa,
    pss,
    pssOnly,
    ec256,
    ec384,
    encRsa,
    encEc,
    expired,
    stranger,
    path: p,
    read: (f) => readFileSync(f, 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `openssl cms -sign` detached, DER, as the merchants do. */
export function opensslSign(pki: TestPki, signer: Leaf, data: Buffer, extra: string[] = []): Buffer {
  const input = pki.path(`in-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(input, data);
  return openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-outform', 'DER', '-in', input, '-signer', signer.cert, '-inkey', signer.key, ...extra]);
}

/** The signer keys every interop test runs through, with the OpenSSL options each needs. */
export const signersOf = (pki: TestPki): [string, Leaf, string[]][] => [
  ['RSA PKCS#1 v1.5', pki.rsa, []],
  ['RSA-PSS', pki.pss, ['-keyopt', 'rsa_padding_mode:pss']],
  ['ECDSA P-256', pki.ec256, []],
  ['ECDSA P-384', pki.ec384, []],
  ['RSA-PSS-only key', pki.pssOnly, ['-keyopt', 'rsa_padding_mode:pss']],
];

/** The TrustError code a verification ends with, or 'no error'. */
export async function trustErrorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TrustError) return err.code;
    throw err;
  }
  return 'no error';
}
