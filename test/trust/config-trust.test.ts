import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, sandboxConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createRailyard } from '../../src/server.js';
import { TrustedCertificate } from '../../src/trust/index.js';
import { createTestPki, type TestPki } from './pki.js';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
}, 60_000);
afterAll(() => pki?.cleanup());

const file = (merchantExtra: Record<string, unknown> = {}, securityExtra: Record<string, unknown> = {}) => ({
  security: { data_keys: [{ id: 'k1', key_base64: randomBytes(32).toString('base64') }], active_data_key: 'k1', mac_key_base64: randomBytes(32).toString('base64'), audit_keys: [{ id: 'au1', key_base64: randomBytes(32).toString('base64') }], ...securityExtra },
  merchants: [{ id: 'm1', name: 'Shop', api_keys: [{ key: 'sk_live_aaaaaaaaaaaaaaaaaaaaaaaa' }], ...merchantExtra }],
  connectors: [{ id: 'bank', type: 'sandbox' }],
});
const issues = (data: unknown): string[] => {
  try {
    resolveConfig(data, { env: {}, baseDir: pki.dir });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
};

describe('trust configuration', () => {
  it('resolves order-signature policies and the encryption pair, paths relative to the file', () => {
    const c = resolveConfig(
      file(
        { order_signature: { policy: 'required', certificates: ['ca.pem'], signers: [{ subject: 'O=Test Merchant, CN=merchant-rsa' }] } },
        { encryption: { certificate: 'enc-rsa.pem', private_key: 'enc-rsa.key' } },
      ),
      { env: {}, baseDir: pki.dir },
    );
    expect(c.trust).toEqual({
      orderSignatures: { m1: { policy: 'required', certificates: [pki.ca], signers: [{ subject: 'O=Test Merchant, CN=merchant-rsa' }] } },
      // one pair in the file is a list of one: the current key
      encryption: [{ certificate: pki.encRsa.cert, privateKey: pki.encRsa.key }],
    });
  });

  it('names the key at fault: expired certificate, missing file, no certificate for a policy, wrong key, wrong key usage', () => {
    expect(issues(file({ order_signature: { policy: 'optional', certificates: ['expired.pem'] } }))).toEqual([
      expect.stringMatching(/^merchants\[0\]\.order_signature\.certificates\[0\]: certificate "CN=merchant-expired" .* expired 2021-01-01/),
    ]);
    expect(issues(file({ order_signature: { policy: 'optional', certificates: ['nope.pem'] } }))[0]).toMatch(/certificates\[0\]: .*nope\.pem: cannot read \(ENOENT\)/);
    expect(issues(file({ order_signature: { policy: 'required' } }))).toEqual(['merchants[0].order_signature.certificates: needs at least one certificate when the policy is required']);
    expect(issues(file({}, { encryption: { certificate: 'enc-rsa.pem', private_key: 'rsa.key' } }))[0]).toMatch(/^security\.encryption: .*rsa\.key .*does not belong to certificate/);
    expect(issues(file({}, { encryption: { certificate: 'ec256.pem', private_key: 'ec256.key' } }))[0]).toMatch(/^security\.encryption: .*may not be used for decrypting envelopes/);
    expect(issues(file({ order_signature: { policy: 'sometimes' } }))[0]).toMatch(/^merchants\[0\]\.order_signature\.policy: /);
    // a CA alone does not bind a signer to the merchant: any certificate it issued would sign for it
    expect(issues(file({ order_signature: { policy: 'required', certificates: ['ca.pem'] } }))[0]).toMatch(/^merchants\[0\]\.order_signature\.signers: is required because certificates\[0\] is a CA/);
    expect(issues(file({ order_signature: { policy: 'required', certificates: ['ca.pem'], signers: [{ subject: 'x', certificate_sha256: 'a'.repeat(64) }] } }))[0]).toMatch(/signers\[0\]: give exactly one of/);
  });

  it('sandbox: makes a self-signed encryption key pair once (key 0600) and publishes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-sbx-enc-'));
    try {
      const config = { ...sandboxConfig({ RAILYARD_DATA_DIR: dir }), connectors: [] };
      const first = await createRailyard(config, { log: silentLogger(), startWorkers: false });
      const pem = await (await first.app.fetch(new Request('http://x/v1/encryption-certificate', { headers: { authorization: 'Bearer sk_sandbox_railyard' } }))).text();
      await first.close();
      expect(statSync(join(dir, 'sandbox-encryption.key')).mode & 0o777).toBe(0o600);
      const cert = TrustedCertificate.fromPem(pem)[0]!;
      expect(cert.keyUsage?.has('keyEncipherment')).toBe(true);
      expect(readFileSync(join(dir, 'sandbox-encryption.pem'), 'utf8')).toBe(pem);
      const second = await createRailyard(config, { log: silentLogger(), startWorkers: false });
      const again = await (await second.app.fetch(new Request('http://x/v1/encryption-certificate', { headers: { authorization: 'Bearer sk_sandbox_railyard' } }))).text();
      await second.close();
      expect(again).toBe(pem);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
