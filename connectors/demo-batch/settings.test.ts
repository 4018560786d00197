import { describe, expect, it } from 'vitest';
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
});
