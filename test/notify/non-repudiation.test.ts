import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../mocks/webhook-receiver/index.js';
import { credentialFromPem } from '../../src/trust/keys.js';
import { createSelfSignedSigningCertificate } from '../../src/trust/self-signed.js';
import { signDetached } from '../../src/trust/sign.js';
import { notifyHarness, type NotifyHarness } from './helpers.js';

/**
 * Non-repudiation: for merchants that ask for it, every webhook also carries Railyard's own detached
 * CMS signature over the exact body (`railyard-signature`), which OpenSSL verifies.
 */
describe('webhooks signed by Railyard (non-repudiation)', () => {
  let h: NotifyHarness;
  let receiver: WebhookReceiver;
  let dir: string;
  let certPem: string;
  const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-nr-'));
    const made = await createSelfSignedSigningCertificate('Railyard Test Signing');
    certPem = made.certificatePem;
    const signer = credentialFromPem(made.certificatePem, made.privateKeyPem, { purpose: 'sign' });
    receiver = await startWebhookReceiver({ secrets: [secret] });
    h = await notifyHarness({
      signBody: async (merchantId, body) =>
        merchantId === 'mch_hooks' ? Buffer.from(await signDetached(Buffer.from(body, 'utf8'), signer)).toString('base64') : undefined,
    });
    expect((await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, secret })).status).toBe(201);
  });

  afterEach(async () => {
    await h.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every delivery carries a CMS signature over its body that openssl cms -verify accepts', async () => {
    const p = await h.settle((await h.pay()).id);
    expect(p.status).toBe('succeeded');
    await h.engine.drain();
    await receiver.waitFor(2);
    const delivered = receiver.accepted();
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    writeFileSync(join(dir, 'cert.pem'), certPem);
    for (const [i, d] of delivered.entries()) {
      expect(d.nonRepudiation, `delivery ${i}`).toMatch(/^[A-Za-z0-9+/]+=*$/);
      writeFileSync(join(dir, `body${i}`), d.body);
      writeFileSync(join(dir, `sig${i}.der`), Buffer.from(d.nonRepudiation ?? '', 'base64'));
      execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, `sig${i}.der`), '-content', join(dir, `body${i}`), '-CAfile', join(dir, 'cert.pem'), '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' });
    }
    // a changed body no longer verifies
    const original = delivered[0]?.body ?? '';
    const tampered = original.replace(/"amount":(\d+)/, (_m, n: string) => `"amount":${Number(n) + 1}`);
    expect(tampered).not.toBe(original);
    writeFileSync(join(dir, 'tampered'), tampered);
    expect(() =>
      execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig0.der'), '-content', join(dir, 'tampered'), '-CAfile', join(dir, 'cert.pem'), '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' }),
    ).toThrow();
  });
});
