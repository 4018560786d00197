import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectOutbound, unprotectInbound } from '../../src/batch/protect/index.js';
import { createTestPki, type TestPki } from '../../test/trust/pki.js';
import { DemoBatchSettingsError, readSettings } from './settings.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const base = () => ({
  sftp: { host: 'sftp.bank.example', username: 'acme', privateKey: KEY, hostKeySha256: [`SHA256:${'A'.repeat(43)}`] },
  profile: { bank: 'BANKA', account: { name: 'Acme', iban: 'DE75512108001245126199' }, calendar: { timeZone: 'Europe/Berlin', cutoffs: ['10:00', '14:00'] } },
});

describe('demo-batch settings', () => {
  it('fills the defaults a bank profile does not state', () => {
    const s = readSettings(base());
    expect(s.sftp).toMatchObject({ port: 22, renameMode: 'free-name', timeouts: { connectMs: 10_000, operationMs: 30_000, endMs: 3_000 } });
    expect(s.profile).toMatchObject({ directories: { outbound: 'in', inbound: 'out', afterIngest: 'delete' }, rules: 'sepa', missingAfterBusinessDays: 2 });
    expect(s.protection).toEqual({ outbound: { kind: 'none' }, inbound: { kind: 'none' } });
    expect(JSON.stringify(s)).not.toContain('OPENSSH PRIVATE KEY');
  });

  it('refuses to run without a pinned host key, naming the setting', () => {
    const s = base();
    s.sftp.hostKeySha256 = [];
    expect(() => readSettings(s)).toThrow(DemoBatchSettingsError);
    expect(() => readSettings(s)).toThrow(/sftp\.hostKeySha256: pin the bank host key/);
  });

  it('names a bad profile key', () => {
    const s = base();
    s.profile.calendar.cutoffs = ['25:00'];
    expect(() => readSettings(s)).toThrow(/profile\.calendar/);
  });

  it('passes per-bank algorithm overrides to the transport and refuses unknown groups', () => {
    expect(readSettings({ ...base(), sftp: { ...base().sftp, algorithms: { kex: ['diffie-hellman-group14-sha256'] } } }).sftp.algorithms).toEqual({ kex: ['diffie-hellman-group14-sha256'] });
    expect(() => readSettings({ ...base(), sftp: { ...base().sftp, algorithms: { kx: ['x'] } } })).toThrow(/sftp\.algorithms/);
  });

  describe('enveloped CMS protection', () => {
    let pki: TestPki;
    beforeAll(() => {
      pki = createTestPki();
    }, 60_000);
    afterAll(() => pki?.cleanup());
    const cms = (bankCertificateFiles: string[]) => ({ kind: 'cms-enveloped', certificateFile: pki.ec256.cert, privateKeyFile: pki.ec256.key, bankCertificateFiles });

    it('loads our signing pair and the bank certificates, and the files it protects go out as .p7m and come back verified', async () => {
      const s = readSettings({ ...base(), protection: cms([pki.ca]) });
      expect(s.protection.outbound.kind).toBe('cms-enveloped');
      expect(s.protection.inbound.kind).toBe('cms-enveloped');
      const xml = new TextEncoder().encode('<Document>pain.001</Document>');
      const wire = await protectOutbound(xml, s.protection.outbound);
      expect(wire.extension).toBe('.p7m');
      const back = await unprotectInbound(wire.data, s.protection.inbound);
      expect(Buffer.from(back.data).toString()).toBe('<Document>pain.001</Document>');
      expect(back.signer).toContain('merchant-ec256');
      expect(JSON.stringify(s)).not.toContain('PRIVATE KEY');
    });

    it('needs at least one bank certificate and refuses a key that is not for signing', () => {
      expect(() => readSettings({ ...base(), protection: cms([]) })).toThrow(/protection\.bankCertificateFiles/);
      expect(() => readSettings({ ...base(), protection: { ...cms([pki.ca]), certificateFile: pki.encEc.cert, privateKeyFile: pki.encEc.key } })).toThrow(/key usage|keyUsage|signing/i);
    });
  });
});
