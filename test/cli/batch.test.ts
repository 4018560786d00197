import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateUserKey, startSftpBank, type SftpBank } from '../../mocks/sftp-bank/index.js';
import { BatchRail } from '../../src/batch/rail.js';
import { readBatchProfile } from '../../src/batch/profile.js';
import { MemoryTransport } from '../../src/batch/transport/index.js';
import { batchCommand, reconcileCommand } from '../../src/cli/batch.js';
import { newId } from '../../src/domain/ids.js';
import { Secret } from '../../src/domain/secret.js';
import { systemClock } from '../../src/domain/clock.js';
import { createStore } from '../../src/store/index.js';
import { camt053 } from '../batch/reconcile/camt053-builder.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// Files are built (and read by the bank simulator) through the XSD gate where the official schemas
// are present; a clone alone runs the same commands with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/** `railyard batch run-cutoff|poll` and `railyard reconcile FILE` on a real store, the second against the SFTP bank simulator. */

const dirs: string[] = [];
const sims: SftpBank[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'railyard-cli-batch-'));
  dirs.push(d);
  return d;
};

function memoryIo() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

const ACCOUNT = { name: 'Railyard Demo Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX', currency: 'EUR' };

describe('railyard reconcile FILE', () => {
  it('reports every booked entry that matches nothing as MISSING_IN_OURS, as CSV; exit 3 when breaks exist', async () => {
    const dir = tempDir();
    const file = join(dir, 'statement.xml');
    writeFileSync(
      file,
      camt053({
        id: 'STMT-CLI-1',
        iban: ACCOUNT.iban,
        entries: [
          { amount: 1_250, accountServicerReference: 'ASR-1', txs: [{ endToEndId: 'E2E-UNKNOWN-1' }] },
          { amount: 99, accountServicerReference: 'ASR-2', txs: [{ endToEndId: '000000123' }] },
        ],
      }),
    );
    const env = { RAILYARD_DATA_DIR: join(dir, 'data') };
    const { io, out } = memoryIo();
    expect(await reconcileCommand([file, '--format', 'csv'], io, env)).toBe(3);
    const rows = out.stdout.trim().split('\r\n');
    expect(rows[0]).toMatch(/^key,type,paymentId,endToEndId/);
    expect(rows.slice(1).map((r) => r.split(',')[1])).toEqual(['MISSING_IN_OURS', 'MISSING_IN_OURS']);
    expect(out.stdout).toContain('000000123');

    // --apply records the breaks once; a second --apply of the same statement records nothing
    const first = memoryIo();
    expect(await reconcileCommand([file, '--apply'], first.io, env)).toBe(3);
    expect(first.out.stderr).toContain('2 new breaks');
    const second = memoryIo();
    await reconcileCommand([file, '--apply'], second.io, env);
    expect(second.out.stderr).toContain('was applied before');
  });

  it('with a connector, reconciles and records only the statements of the connector’s account', async () => {
    const dir = tempDir();
    const config = {
      data_dir: join(dir, 'data'),
      security: { data_keys: [{ id: 'k1', key_base64: Buffer.alloc(32, 7).toString('base64') }], active_data_key: 'k1', mac_key_base64: Buffer.alloc(32, 9).toString('base64'), audit_keys: [{ id: 'au1', key_base64: Buffer.alloc(32, 4).toString('base64') }] },
      merchants: [{ id: 'mch_cli', name: 'CLI Shop', api_keys: [{ sha256: 'a'.repeat(64) }], routes: { bank_account: 'bank-files' } }],
      connectors: [
        {
          id: 'bank-files',
          type: 'demo-batch',
          settings: {
            sftp: { host: '127.0.0.1', port: 1, username: 'railyard', private_key: 'unused', host_key_sha256: ['A'.repeat(43)] },
            profile: { bank: 'SIMBANK', account: ACCOUNT, calendar: { time_zone: 'Europe/Berlin', cutoffs: ['16:00'], holidays: 'TARGET2' } },
          },
        },
      ],
    };
    const configFile = join(dir, 'railyard.json');
    writeFileSync(configFile, JSON.stringify(config));
    const env = { RAILYARD_CONFIG: configFile };
    const other = { id: 'STMT-OTHER', iban: 'DE89370400440532013000', entries: [{ amount: 5, accountServicerReference: 'ASR-X', txs: [{ endToEndId: 'E2E-X' }] }] };
    const ours = { id: 'STMT-OURS', iban: ACCOUNT.iban, entries: [{ amount: 7, accountServicerReference: 'ASR-O', txs: [{ endToEndId: 'E2E-O' }] }] };

    // another account's statement only: refused, nothing recorded, the account masked
    const onlyOther = join(dir, 'other.xml');
    writeFileSync(onlyOther, camt053(other));
    const refused = memoryIo();
    expect(await reconcileCommand([onlyOther, '--apply'], refused.io, env)).toBe(1);
    expect(refused.out.stderr).toMatch(/holds no statement of DE75\*+6199, the account of connector bank-files \(statement STMT-OTHER of account DE89\*+3000/);
    expect(refused.out.stderr).not.toContain('DE89370400440532013000');

    // both: ours reconciled and recorded, the other named and left alone, whatever the order
    const both = join(dir, 'both.xml');
    writeFileSync(both, camt053([other, ours]));
    const applied = memoryIo();
    expect(await reconcileCommand([both, '--apply', '--format', 'csv'], applied.io, env)).toBe(3);
    expect(applied.out.stderr).toContain('statement STMT-OTHER of account DE89');
    expect(applied.out.stderr).toContain('1 new breaks');
    const rows = applied.out.stdout.trim().split('\r\n').slice(1);
    expect(rows.map((r) => r.split(',')[0])).toEqual([expect.stringMatching(/^STMT-OURS:/)]);
  });

  it('refuses bad usage with exit 2 and an unreadable file with exit 1', async () => {
    const { io, out } = memoryIo();
    expect(await reconcileCommand([], io, {})).toBe(2);
    expect(await reconcileCommand(['x.xml', '--format', 'xml'], io, {})).toBe(2);
    expect(await reconcileCommand([join(tempDir(), 'absent.xml')], io, { RAILYARD_DATA_DIR: tempDir() })).toBe(1);
    expect(out.stderr).toContain('cannot read');
  });
});

describe('railyard batch', () => {
  it('run-cutoff --all uploads the queued transfers to the bank; poll applies its status report', async () => {
    const user = generateUserKey('railyard-cli');
    const sim = await startSftpBank({ port: 0, users: [{ username: 'railyard', publicKey: user.public }], account: ACCOUNT });
    sims.push(sim);
    const dir = tempDir();
    const keyFile = join(dir, 'sftp.key');
    writeFileSync(keyFile, user.private, { mode: 0o600 });
    const profile = { bank: 'SIMBANK', account: ACCOUNT, calendar: { timeZone: 'Europe/Berlin', cutoffs: ['16:00'], holidays: 'TARGET2' }, stableMs: 0 };
    // the same profile as the configuration file writes it (snake_case keys)
    const profileInFile = { bank: 'SIMBANK', account: ACCOUNT, calendar: { time_zone: 'Europe/Berlin', cutoffs: ['16:00'], holidays: 'TARGET2' }, stable_ms: 0 };
    const config = {
      data_dir: join(dir, 'data'),
      security: { data_keys: [{ id: 'k1', key_base64: Buffer.alloc(32, 7).toString('base64') }], active_data_key: 'k1', mac_key_base64: Buffer.alloc(32, 9).toString('base64'), audit_keys: [{ id: 'au1', key_base64: Buffer.alloc(32, 4).toString('base64') }] },
      merchants: [{ id: 'mch_cli', name: 'CLI Shop', api_keys: [{ sha256: 'a'.repeat(64) }], routes: { bank_account: 'bank-files' } }],
      connectors: [
        {
          id: 'bank-files',
          type: 'demo-batch',
          settings: { sftp: { host: '127.0.0.1', port: sim.port, username: 'railyard', private_key_file: keyFile, host_key_sha256: [sim.hostKeySha256] }, profile: profileInFile },
        },
      ],
    };
    const configFile = join(dir, 'railyard.json');
    writeFileSync(configFile, JSON.stringify(config));
    const env = { RAILYARD_CONFIG: configFile };

    // a transfer queued by the running server (here: straight into the same store)
    const store = createStore({ dataDir: join(dir, 'data') });
    await store.migrate();
    const rail = new BatchRail({ connector: 'bank-files', store, profile: readBatchProfile(profile), transport: new MemoryTransport(), clock: systemClock, report: () => undefined });
    const reference = newId('cmd');
    const queued = await rail.enqueue(
      {
        paymentId: newId('pay'),
        reference,
        amount: 4_200,
        currency: 'EUR',
        method: { type: 'bank_account', iban: new Secret('DE89370400440532013000'), name: 'Max Mustermann' },
        orderId: 'cli-order-1',
        merchant: { id: 'mch_cli', name: 'CLI Shop' },
        customer: { email: 'c@example.test' },
      },
      'transfer',
    );
    expect(queued.kind).toBe('pending');

    const cut = memoryIo();
    expect(await batchCommand(['run-cutoff', '--all'], cut.io, env)).toBe(0);
    expect(cut.out.stdout).toMatch(/bank-files: built SIMBANK_pain001_\d{8}_\d{6}_000001\.xml \(1 transactions/);
    expect(cut.out.stdout).toMatch(/bank-files: uploaded SIMBANK_pain001_/);
    expect((await sim.process()).files).toHaveLength(1);

    const poll = memoryIo();
    expect(await batchCommand(['poll'], poll.io, env)).toBe(0);
    expect(poll.out.stdout).toMatch(/pain002_.*\.xml pain\.002\.001\.10 applied/);
    expect((await rail.records.item(reference))?.status).toBe('accepted');
    await store.close();
  }, 30_000);

  it('says what it needs: usage, and no batch connector in the sandbox', async () => {
    const { io, out } = memoryIo();
    expect(await batchCommand(['dance'], io, {})).toBe(2);
    expect(out.stderr).toContain('usage: railyard batch');
    expect(await batchCommand(['poll'], io, { RAILYARD_DATA_DIR: tempDir() })).toBe(2);
    expect(out.stderr).toContain('the sandbox runs its SFTP bank inside `npm start`');
  });
});
