import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_IBANS } from '../../src/connector/test-values.js';
import type { CamtDocument } from '../../src/iso20022/camt/model.js';
import { build, parse, parseAs, pain002Outcomes, validate, type Pain001v09, type Pain002v10 } from '../../src/iso20022/index.js';
import { SftpBankLedger, generateHostKey, generateUserKey, startSftpBank, type SftpBank, type SftpBankOptions } from '../../mocks/sftp-bank/index.js';
import { describeWithShared, itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// The bank builds its files through the XSD gate, and reads uploads with it, where the official
// schemas are present; a clone alone runs it with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();
/** Files the bank wrote and what the official XSD must say of them: checked by the last suite. */
const forXsd: Array<{ what: string; xml: string; type: string; valid: boolean }> = [];

const ACCOUNT = { iban: 'DE75512108001245126199', currency: 'EUR', bic: 'SIMBDEFFXXX', name: 'Demo Shop' };
const SHOPPER = TEST_IBANS.verified.iban;
const user = generateUserKey('test');
const stranger = generateUserKey('stranger');

const dirs: string[] = [];
const banks: SftpBank[] = [];
const clients: SftpClient[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sftp-bank-test-'));
  dirs.push(d);
  return d;
}

async function start(extra: Partial<SftpBankOptions> = {}): Promise<SftpBank> {
  const bank = await startSftpBank({ port: 0, root: tempDir(), users: [{ username: 'railyard', publicKey: user.public }], account: ACCOUNT, ...extra });
  banks.push(bank);
  return bank;
}

const fingerprint = (key: Buffer): string => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

async function connect(bank: SftpBank, privateKey = user.private): Promise<SftpClient> {
  const c = new SftpClient();
  clients.push(c);
  // The host key is pinned: ssh2-sftp-client accepts any key otherwise.
  await c.connect({ host: '127.0.0.1', port: bank.port, username: 'railyard', privateKey, hostVerifier: (key: Buffer) => fingerprint(key) === bank.hostKeySha256 });
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => undefined);
  for (const b of banks.splice(0)) await b.stop();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Tx {
  e2e: string;
  amount: number;
  to?: string;
  uetr?: string;
}

let seq = 0;
/** A pain.001 from the merchant's account (payouts) and, optionally, one block paying into it. */
function pain001(msgId: string, payouts: Tx[], incoming: Tx[] = []): string {
  const payment = (id: string, debtorIban: string, debtorName: string, txs: Tx[], creditorIban?: string): Pain001v09['paymentInformation'][number] => ({
    paymentInformationId: id,
    paymentMethod: 'TRF',
    requestedExecutionDate: { date: '2026-11-27' },
    debtor: { name: debtorName },
    debtorAccount: { iban: debtorIban },
    debtorAgent: { bicfi: 'SIMBDEFFXXX' },
    transactions: txs.map((t) => ({
      endToEndId: t.e2e,
      ...(t.uetr ? { uetr: t.uetr } : {}),
      amount: { amount: t.amount, currency: 'EUR' },
      creditor: { name: 'Payee' },
      creditorAccount: { iban: creditorIban ?? t.to ?? SHOPPER },
    })),
  });
  const model: Pain001v09 = {
    groupHeader: { messageId: msgId, creationDateTime: '2026-11-27T10:00:00+01:00', initiatingParty: { name: 'Demo Shop' } },
    paymentInformation: [
      payment(`${msgId}-P1`, ACCOUNT.iban, 'Demo Shop', payouts),
      ...(incoming.length > 0 ? [payment(`${msgId}-P2`, SHOPPER, 'Max Mustermann', incoming, ACCOUNT.iban)] : []),
    ],
  };
  return build('pain.001.001.09', model);
}
const nextId = (): string => `MSG${Date.now()}${++seq}`;

/** As a client must: under a temporary name, then renamed, so a bank polling the inbox never reads half a file. */
async function upload(c: SftpClient, name: string, xml: string): Promise<void> {
  await c.put(Buffer.from(xml), `/in/.${name}.part`);
  await c.rename(`/in/.${name}.part`, `/in/${name}`);
}

async function outNames(c: SftpClient): Promise<string[]> {
  return (await c.list('/out')).map((f) => f.name).sort();
}

async function readOut(c: SftpClient, name: string): Promise<string> {
  return ((await c.get(`/out/${name}`)) as Buffer).toString('utf8');
}

const statementOf = (xml: string): CamtDocument => parseAs('camt.053.001.08', xml);

describe('sftp-bank: the SFTP server', () => {
  it('authenticates by public key only, and its host key fingerprint is the one it reports', async () => {
    const bank = await start();
    expect(bank.hostKeySha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const c = await connect(bank);
    expect((await c.list('/')).map((f) => f.name).sort()).toEqual(['archive', 'in', 'out']);
    await expect(connect(bank, stranger.private)).rejects.toThrow();
    const p = new SftpClient();
    clients.push(p);
    await expect(p.connect({ host: '127.0.0.1', port: bank.port, username: 'railyard', password: 'secret' })).rejects.toThrow();
  });

  it('a pinned host key that does not match is refused by the client', async () => {
    const bank = await start();
    const c = new SftpClient();
    clients.push(c);
    await expect(c.connect({ host: '127.0.0.1', port: bank.port, username: 'railyard', privateKey: user.private, hostVerifier: () => false })).rejects.toThrow();
  });

  it('reads, writes, lists, stats, makes and removes files and directories', async () => {
    const bank = await start();
    const c = await connect(bank);
    await c.put(Buffer.from('hello'), '/in/a.txt');
    expect(((await c.get('/in/a.txt')) as Buffer).toString()).toBe('hello');
    expect((await c.stat('/in/a.txt')).size).toBe(5);
    await c.mkdir('/in/sub');
    expect(await c.exists('/in/sub')).toBe('d');
    await c.chmod('/in/a.txt', 0o600);
    expect((await c.stat('/in/a.txt')).mode & 0o777).toBe(0o600);
    expect(await c.realPath('/in/sub/../a.txt')).toBe('/in/a.txt');
    await c.rmdir('/in/sub');
    await c.delete('/in/a.txt');
    expect(await c.list('/in')).toEqual([]);
    expect(readdirSync(join(bank.root, 'in'))).toEqual([]);
  });

  it('refuses paths that climb out of the root', async () => {
    const bank = await start();
    const c = await connect(bank);
    await expect(c.get('/../../../etc/passwd')).rejects.toThrow(/denied|outside/i);
    await expect(c.list('/..')).rejects.toThrow();
    await expect(c.put(Buffer.from('x'), '../escape.txt')).rejects.toThrow();
    await expect(c.rename('/in/../../x', '/in/y')).rejects.toThrow();
    expect(existsSync(join(bank.root, '..', 'escape.txt'))).toBe(false);
  });

  it('refuses a symbolic link (placed on the host) that leads out of the root', async () => {
    const bank = await start();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(bank.root, 'out', 'link'));
    const c = await connect(bank);
    await expect(c.get('/out/link/secret.txt')).rejects.toThrow();
    await expect(c.put(Buffer.from('x'), '/out/link/planted.txt')).rejects.toThrow();
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
  });

  it('plain RENAME onto an existing file fails (SFTP v3); posix-rename is not offered', async () => {
    const bank = await start();
    const c = await connect(bank);
    await c.put(Buffer.from('new'), '/in/.f.part');
    await c.put(Buffer.from('old'), '/in/f.xml');
    await expect(c.rename('/in/.f.part', '/in/f.xml')).rejects.toThrow();
    expect(((await c.get('/in/f.xml')) as Buffer).toString()).toBe('old');
    await expect(c.posixRename('/in/.f.part', '/in/f.xml')).rejects.toThrow();
    await c.rename('/in/.f.part', '/in/g.xml');
    expect(((await c.get('/in/g.xml')) as Buffer).toString()).toBe('new');
  });
});

describe('sftp-bank: pain.001 in, pain.002 out', () => {
  it('answers each transaction by the test values, names the original ids, archives the file', async () => {
    const bank = await start();
    const c = await connect(bank);
    const msgId = nextId();
    const xml = pain001(msgId, [
      { e2e: `${msgId}-ok`, amount: 1000 },
      { e2e: `${msgId}-ac01`, amount: 200, to: TEST_IBANS.rejectedAC01 },
      { e2e: `${msgId}-am04`, amount: 300, to: TEST_IBANS.rejectedAM04 },
      { e2e: `${msgId}-pdng`, amount: 400, to: TEST_IBANS.pendingThenAccepted },
    ]);
    await upload(c, 'batch1.xml', xml);
    const run = await bank.process();
    expect(run.files).toEqual(['batch1.xml']);
    expect(await c.list('/in')).toEqual([]);
    expect((await c.list('/archive')).map((f) => f.name)).toEqual(['batch1.xml']);

    expect(await outNames(c)).toEqual([`pain002_${msgId}.xml`]);
    const report = parseAs('pain.002.001.10', await readOut(c, `pain002_${msgId}.xml`));
    expect(report.originalGroup.originalMessageId).toBe(msgId);
    expect(report.originalGroup.groupStatus).toBe('PART');
    expect(report.payments.map((p) => p.originalPaymentInformationId)).toEqual([`${msgId}-P1`]);
    const outcomes = Object.fromEntries(pain002Outcomes(report).map((o) => [o.originalEndToEndId, o]));
    expect(outcomes[`${msgId}-ok`]?.status).toBe('ACSC');
    expect(outcomes[`${msgId}-ok`]?.originalPaymentInformationId).toBe(`${msgId}-P1`);
    expect(outcomes[`${msgId}-ac01`]).toMatchObject({ status: 'RJCT', kind: 'rejected', reason: { reason: { code: 'AC01' } } });
    expect(outcomes[`${msgId}-am04`]).toMatchObject({ status: 'RJCT', kind: 'rejected', reason: { reason: { code: 'AM04' } } });
    expect(outcomes[`${msgId}-pdng`]?.status).toBe('PDNG');
    expect(bank.executed(`${msgId}-ok`)).toEqual({ ok: true, returned: false, received: 1 });
    expect(bank.executed(`${msgId}-ac01`)?.ok).toBe(false);
    expect(bank.executed(`${msgId}-pdng`)?.ok).toBe(false);

    // The pending one settles in the next run, reported in a second file on the same message.
    await bank.process();
    const names = await outNames(c);
    expect(names).toEqual([`pain002_${msgId}.xml`, `pain002_${msgId}_2.xml`]);
    const later = parseAs('pain.002.001.10', await readOut(c, `pain002_${msgId}_2.xml`));
    expect(later.originalGroup.originalMessageId).toBe(msgId);
    expect(later.payments[0]?.originalPaymentInformationId).toBe(`${msgId}-P1`);
    expect(later.payments[0]?.transactions).toMatchObject([{ originalEndToEndId: `${msgId}-pdng`, status: 'ACSC' }]);
    expect(bank.executed(`${msgId}-pdng`)?.ok).toBe(true);
  });

  it('ignores dot-names and *.part uploads until they are renamed into place', async () => {
    const bank = await start();
    const c = await connect(bank);
    const msgId = nextId();
    await upload(c, '.batch.xml', pain001(msgId, [{ e2e: `${msgId}-1`, amount: 100 }]));
    await upload(c, 'other.xml.part', 'half of a file');
    expect((await bank.process()).files).toEqual([]);
    expect(await outNames(c)).toEqual([]);
    await c.rename('/in/.batch.xml', '/in/batch.xml');
    expect((await bank.process()).files).toEqual(['batch.xml']);
    expect((await c.list('/in')).map((f) => f.name)).toEqual(['other.xml.part']);
  });

  /** Uploads each file, and expects every one refused as a group with RJCT FF01, nothing executed. */
  const expectRefusedFF01 = async (files: (msgId: string) => Array<[string, string]>, expectedNames: (msgId: string) => string[]) => {
    const bank = await start();
    const c = await connect(bank);
    const msgId = nextId();
    for (const [name, body] of files(msgId)) await upload(c, name, body);
    await bank.process();
    const names = await outNames(c);
    expect(names).toEqual(expect.arrayContaining(expectedNames(msgId)));
    expect(names).toHaveLength(expectedNames(msgId).length);
    for (const n of names) {
      const r = parseAs('pain.002.001.10', await readOut(c, n));
      expect(r.originalGroup.groupStatus).toBe('RJCT');
      expect(r.originalGroup.statusReasons?.[0]?.reason?.code).toBe('FF01');
    }
    expect(bank.executed(`${msgId}-1`)).toBeUndefined();
  };

  it('refuses a file that is not XML with a group RJCT FF01', async () => {
    await expectRefusedFF01(() => [['junk.xml', 'not xml at all']], () => ['pain002_junk.xml']);
  });

  itWithShared('xsd', 'refuses a pain.001 the official XSD refuses with a group RJCT FF01', async () => {
    await expectRefusedFF01(
      (msgId) => [['bad.xml', pain001(msgId, [{ e2e: `${msgId}-1`, amount: 100 }]).replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>XXX</PmtMtd>')]],
      (msgId) => [`pain002_${msgId}.xml`],
    );
  });

  it('rejects a repeated MsgId as a duplicate (DU01) and never executes it twice', async () => {
    const bank = await start();
    const c = await connect(bank);
    const msgId = nextId();
    const xml = pain001(msgId, [{ e2e: `${msgId}-1`, amount: 700 }]);
    await upload(c, 'a.xml', xml);
    await bank.process();
    await upload(c, 'a.xml', xml);
    await bank.process();
    expect(await outNames(c)).toEqual([`pain002_${msgId}.xml`, `pain002_${msgId}_2.xml`]);
    const dup = parseAs('pain.002.001.10', await readOut(c, `pain002_${msgId}_2.xml`));
    expect(dup.originalGroup).toMatchObject({ originalMessageId: msgId, groupStatus: 'RJCT', statusReasons: [{ reason: { code: 'DU01' } }] });
    expect(bank.executed(`${msgId}-1`)).toEqual({ ok: true, returned: false, received: 2 });
    expect((await c.list('/archive')).map((f) => f.name).sort()).toEqual(['a.xml', 'a.xml.2']);
    const stmt = statementOf(await readOut(c, await bank.closeDay({ date: '2026-11-27' })));
    expect(stmt.reports[0]?.entries).toHaveLength(1);
  });

  it('executes an EndToEndId once even when a new message repeats it', async () => {
    const bank = await start();
    const c = await connect(bank);
    const first = nextId();
    const second = nextId();
    await upload(c, '1.xml', pain001(first, [{ e2e: 'E2E-SHARED', amount: 500 }]));
    await bank.process();
    await upload(c, '2.xml', pain001(second, [{ e2e: 'E2E-SHARED', amount: 500 }]));
    await bank.process();
    const r = parseAs('pain.002.001.10', await readOut(c, `pain002_${second}.xml`));
    expect(r.payments[0]?.transactions[0]).toMatchObject({ originalEndToEndId: 'E2E-SHARED', status: 'ACSC' });
    expect(bank.executed('E2E-SHARED')).toEqual({ ok: true, returned: false, received: 2 });
    const stmt = statementOf(await readOut(c, await bank.closeDay()));
    expect(stmt.reports[0]?.entries).toHaveLength(1);
  });
});

describe('sftp-bank: camt.053 statements', () => {
  it('closeDay writes an XSD-valid statement whose balances add up, and the next opens where it closed', async () => {
    const bank = await start();
    const c = await connect(bank);
    const msgId = nextId();
    const uetr = '8a562c67-ca16-48ba-b074-65581be6f011';
    await upload(
      c,
      'b.xml',
      pain001(msgId, [{ e2e: '000000123', amount: 2500, uetr }, { e2e: `${msgId}-rj`, amount: 99, to: TEST_IBANS.rejectedAC01 }], [{ e2e: `${msgId}-in`, amount: 10000 }]),
    );
    await bank.process();
    const name = await bank.closeDay({ date: '2026-11-27' });
    expect(name).toBe('camt053_2026-11-27_1.xml');
    const xml = await readOut(c, name);
    forXsd.push({ what: 'the closing statement', xml, type: 'camt.053.001.08', valid: true });
    const s = statementOf(xml).reports[0];
    if (!s) throw new Error('no statement');
    expect(s.account.iban).toBe(ACCOUNT.iban);
    expect(s.balances.map((b) => [b.type.code, b.amount.amount, b.creditDebit])).toEqual([
      ['OPBD', 0, 'CRDT'],
      ['CLBD', 7500, 'CRDT'],
    ]);
    expect(s.entries.map((e) => [e.creditDebit, e.amount.amount, e.status])).toEqual([
      ['DBIT', 2500, 'BOOK'],
      ['CRDT', 10000, 'BOOK'],
    ]);
    const refs = s.entries.map((e) => e.transactions[0]?.references);
    expect(refs[0]).toMatchObject({ endToEndId: '000000123', paymentInformationId: `${msgId}-P1`, messageId: msgId, uetr });
    expect(refs[1]).toMatchObject({ endToEndId: `${msgId}-in`, paymentInformationId: `${msgId}-P2` });
    expect(refs[1]?.uetr).toBeUndefined();
    const servicerRefs = s.entries.map((e) => e.accountServicerReference);
    expect(new Set(servicerRefs).size).toBe(2);
    expect(refs.map((r) => r?.accountServicerReference)).toEqual(servicerRefs);
    expect(s.summary).toEqual({ entries: { count: '2', sum: '125.00' }, credits: { count: '1', sum: '100.00' }, debits: { count: '1', sum: '25.00' } });

    // the next day: opening = previous closing; only what was booked since.
    const next = nextId();
    await upload(c, 'c.xml', pain001(next, [{ e2e: `${next}-1`, amount: 9000 }]));
    await bank.process();
    const s2 = statementOf(await readOut(c, await bank.closeDay({ date: '2026-11-28' }))).reports[0];
    expect(s2?.electronicSequenceNumber).toBe('2');
    expect(s2?.balances.map((b) => [b.type.code, b.amount.amount, b.creditDebit])).toEqual([
      ['OPBD', 7500, 'CRDT'],
      ['CLBD', 1500, 'DBIT'],
    ]);
    expect(s2?.entries).toHaveLength(1);
  });
});

describe('sftp-bank: injected breaks', () => {
  let bank: SftpBank;
  let c: SftpClient;

  async function setup(): Promise<void> {
    bank = await start();
    c = await connect(bank);
  }

  async function send(txs: Tx[]): Promise<string> {
    const msgId = nextId();
    await upload(c, `${msgId}.xml`, pain001(msgId, txs));
    await bank.process();
    return msgId;
  }

  const closing = (s: CamtDocument): number => {
    const b = s.reports[0]?.balances.find((x) => x.type.code === 'CLBD');
    return (b?.creditDebit === 'DBIT' ? -1 : 1) * (b?.amount.amount ?? 0);
  };

  it('missing_entry: the entry is left off this statement and carried by the next', async () => {
    await setup();
    bank.inject({ kind: 'missing_entry', endToEndId: 'E2E-MISS' });
    await send([{ e2e: 'E2E-KEEP', amount: 100 }, { e2e: 'E2E-MISS', amount: 200 }]);
    const s1 = statementOf(await readOut(c, await bank.closeDay({ date: '2026-11-27' })));
    expect(s1.reports[0]?.entries.map((e) => e.transactions[0]?.references?.endToEndId)).toEqual(['E2E-KEEP']);
    expect(closing(s1)).toBe(-100);
    const s2 = statementOf(await readOut(c, await bank.closeDay({ date: '2026-11-28' })));
    expect(s2.reports[0]?.entries.map((e) => e.transactions[0]?.references?.endToEndId)).toEqual(['E2E-MISS']);
    expect(closing(s2)).toBe(-300);
  });

  it('amount_off_by_one_cent: the entry is one minor unit off and the balance follows it', async () => {
    await setup();
    bank.inject({ kind: 'amount_off_by_one_cent' });
    await send([{ e2e: 'E2E-CENT', amount: 1000 }]);
    const s = statementOf(await readOut(c, await bank.closeDay()));
    expect(s.reports[0]?.entries[0]?.amount.amount).toBe(1001);
    expect(s.reports[0]?.entries[0]?.transactions[0]?.amount?.amount).toBe(1001);
    expect(closing(s)).toBe(-1001);
  });

  it('return: an opposite entry with RtrInf (AC04 by default), and the transfer marked returned', async () => {
    await setup();
    await send([{ e2e: 'E2E-RET', amount: 1500 }]);
    bank.inject({ kind: 'return', endToEndId: 'E2E-RET' });
    const s = statementOf(await readOut(c, await bank.closeDay()));
    const entries = s.reports[0]?.entries ?? [];
    expect(entries.map((e) => [e.creditDebit, e.amount.amount])).toEqual([
      ['DBIT', 1500],
      ['CRDT', 1500],
    ]);
    expect(entries[1]?.transactions[0]).toMatchObject({ references: { endToEndId: 'E2E-RET' }, returnReason: { code: 'AC04' } });
    expect(entries[1]?.bankTransactionCode?.domain?.family.subFamilyCode).toBe('RRTN');
    expect(closing(s)).toBe(0);
    expect(bank.executed('E2E-RET')).toEqual({ ok: true, returned: true, received: 1 });

    bank.inject({ kind: 'return', reason: 'MD06' });
    await send([{ e2e: 'E2E-RET2', amount: 10 }]);
    const s2 = statementOf(await readOut(c, await bank.closeDay()));
    expect(s2.reports[0]?.entries.at(-1)?.transactions[0]?.returnReason?.code).toBe('MD06');
  });

  it('duplicate_statement: the same statement under two names', async () => {
    await setup();
    await send([{ e2e: 'E2E-DUPS', amount: 100 }]);
    bank.inject({ kind: 'duplicate_statement' });
    const name = await bank.closeDay({ date: '2026-11-27' });
    expect(await outNames(c)).toContain('camt053_2026-11-27_2.xml');
    expect(await readOut(c, 'camt053_2026-11-27_2.xml')).toBe(await readOut(c, name));
    // the books moved once: the next statement is sequence 2 and opens at the first one's closing
    const next = statementOf(await readOut(c, await bank.closeDay({ date: '2026-11-28' })));
    expect(next.reports[0]?.electronicSequenceNumber).toBe('2');
    expect(next.reports[0]?.balances[0]?.amount.amount).toBe(100);
  });

  it('half_written_file: the final name holds half the bytes for about a second', async () => {
    await setup();
    bank.inject({ kind: 'half_written_file' });
    const msgId = await send([{ e2e: 'E2E-HALF', amount: 100 }]);
    const early = await readOut(c, `pain002_${msgId}.xml`);
    expect(() => parse(early)).toThrow();
    await bank.flush();
    const full = await readOut(c, `pain002_${msgId}.xml`);
    expect(full.length).toBeGreaterThan(early.length);
    expect(full.startsWith(early)).toBe(true);
    expect(parseAs('pain.002.001.10', full).originalGroup.originalMessageId).toBe(msgId);
  });

  it('no_reply: executed, archived, but never answered', async () => {
    await setup();
    bank.inject({ kind: 'no_reply' });
    const msgId = await send([{ e2e: 'E2E-SILENT', amount: 100 }]);
    expect(await outNames(c)).toEqual([]);
    expect(bank.executed('E2E-SILENT')?.ok).toBe(true);
    expect((await c.list('/archive')).map((f) => f.name)).toEqual([`${msgId}.xml`]);
  });

  it('duplicate_reply: the same pain.002 twice under two names', async () => {
    await setup();
    bank.inject({ kind: 'duplicate_reply' });
    const msgId = await send([{ e2e: 'E2E-TWICE', amount: 100 }]);
    expect(await outNames(c)).toEqual([`pain002_${msgId}.xml`, `pain002_${msgId}_2.xml`]);
    expect(await readOut(c, `pain002_${msgId}_2.xml`)).toBe(await readOut(c, `pain002_${msgId}.xml`));
    expect(bank.executed('E2E-TWICE')?.received).toBe(1);
  });

  it('malformed_reply: executed, answered with a file no XML parser accepts', async () => {
    await setup();
    bank.inject({ kind: 'malformed_reply' });
    const msgId = await send([{ e2e: 'E2E-BROKEN', amount: 100 }]);
    const body = await readOut(c, `pain002_${msgId}.xml`);
    expect(() => parse(body)).toThrow();
    forXsd.push({ what: 'the malformed reply', xml: body, type: 'pain.002.001.10', valid: false });
    expect(bank.executed('E2E-BROKEN')?.ok).toBe(true);
  });

  it('late_reply: executed at once, the pain.002 appears only after the delay', async () => {
    await setup();
    bank.inject({ kind: 'late_reply', delayMs: 400 });
    const msgId = await send([{ e2e: 'E2E-LATE', amount: 100 }]);
    expect(await outNames(c)).toEqual([]);
    expect(bank.executed('E2E-LATE')?.ok).toBe(true);
    await bank.flush();
    expect(await outNames(c)).toEqual([`pain002_${msgId}.xml`]);
    const r: Pain002v10 = parseAs('pain.002.001.10', await readOut(c, `pain002_${msgId}.xml`));
    expect(r.payments[0]?.transactions[0]?.status).toBe('ACSC');
  });

  it('every reply but the half-written one goes through a dot-prefixed temporary name', async () => {
    await setup();
    await send([{ e2e: 'E2E-ATOMIC', amount: 100 }]);
    expect((await c.list('/out')).every((f) => !f.name.startsWith('.'))).toBe(true);
    expect(bank.ledger.written.size).toBe(1);
  });
});

describe('sftp-bank: journal', () => {
  it('replays its books after a restart: no second execution, statements continue', async () => {
    const root = tempDir();
    const journalPath = join(root, '..', `${root.split('/').at(-1) ?? 'j'}.jsonl`);
    dirs.push(journalPath);
    const hostKey = generateHostKey();
    const first = await start({ root, journalPath, hostKey });
    let c = await connect(first);
    const msgId = nextId();
    const xml = pain001(msgId, [{ e2e: `${msgId}-1`, amount: 1200 }, { e2e: `${msgId}-p`, amount: 300, to: TEST_IBANS.pendingThenAccepted }]);
    await upload(c, 'j.xml', xml);
    await first.process();
    await first.closeDay({ date: '2026-11-27' });
    await c.end();
    await first.stop();

    const second = await start({ root, journalPath, hostKey });
    expect(second.hostKeySha256).toBe(first.hostKeySha256);
    c = await connect(second);
    expect(second.executed(`${msgId}-1`)).toEqual({ ok: true, returned: false, received: 1 });
    await upload(c, 'j.xml', xml);
    await second.process();
    expect(second.executed(`${msgId}-1`)?.received).toBe(2);
    // the pending transfer of before the restart settles now
    expect(second.executed(`${msgId}-p`)?.ok).toBe(true);
    const names = await outNames(c);
    expect(names.filter((n) => n.startsWith('pain002_'))).toHaveLength(3);
    const s = statementOf(await readOut(c, await second.closeDay({ date: '2026-11-28' }))).reports[0];
    expect(s?.electronicSequenceNumber).toBe('2');
    expect(s?.balances.map((b) => [b.type.code, b.amount.amount, b.creditDebit])).toEqual([
      ['OPBD', 1200, 'DBIT'],
      ['CLBD', 1500, 'DBIT'],
    ]);
    expect(s?.entries.map((e) => e.transactions[0]?.references?.endToEndId)).toEqual([`${msgId}-p`]);
  });
});

describe('sftp-bank: crash between booking and replying', () => {
  it('answers a file it booked but never answered with its original decisions, not as a duplicate', async () => {
    const root = tempDir();
    const journalPath = join(root, 'bank.jsonl');
    const msgId = nextId();
    // The books as a crash left them: executed and journaled, the reply never written, the file still in in/.
    const books = new SftpBankLedger(journalPath);
    books.putTransaction({
      endToEndId: `${msgId}-1`,
      messageId: msgId,
      paymentInformationId: `${msgId}-P1`,
      amount: { amount: 800, currency: 'EUR' },
      direction: 'DBIT',
      counterparty: { iban: SHOPPER },
      status: 'ACSC',
      received: 1,
      returned: false,
      at: Date.now(),
    });
    books.putPosting({ id: books.nextPostingId(), endToEndId: `${msgId}-1`, kind: 'booking', amount: 800, currency: 'EUR', direction: 'DBIT', bookingDate: '2026-11-27' });
    books.putMessage({
      messageId: msgId,
      creationDateTime: '2026-11-27T10:00:00+01:00',
      file: 'x.xml',
      received: 1,
      payments: [{ paymentInformationId: `${msgId}-P1`, transactions: [{ endToEndId: `${msgId}-1`, status: 'ACSC' }] }],
      answered: false,
    });
    const bank = await start({ root, journalPath });
    const c = await connect(bank);
    await upload(c, 'x.xml', pain001(msgId, [{ e2e: `${msgId}-1`, amount: 800 }]));
    await bank.process();
    const r = parseAs('pain.002.001.10', await readOut(c, `pain002_${msgId}.xml`));
    expect(r.originalGroup.groupStatus).toBe('ACSC');
    expect(r.payments[0]?.transactions[0]).toMatchObject({ originalEndToEndId: `${msgId}-1`, status: 'ACSC', accountServicerReference: 'SIM000000000001' });
    expect(bank.executed(`${msgId}-1`)).toEqual({ ok: true, returned: false, received: 1 });
    expect(statementOf(await readOut(c, await bank.closeDay())).reports[0]?.entries).toHaveLength(1);
  });
});

describe('sftp-bank: sandbox timers', () => {
  it('autoProcessMs answers uploads and statementEveryMs writes statements on their own', async () => {
    const bank = await start({ autoProcessMs: 50, statementEveryMs: 200 });
    const c = await connect(bank);
    const msgId = nextId();
    await upload(c, 'auto.xml', pain001(msgId, [{ e2e: `${msgId}-1`, amount: 100 }]));
    const end = Date.now() + 5_000;
    let names: string[] = [];
    while (Date.now() < end) {
      names = await outNames(c);
      if (names.includes(`pain002_${msgId}.xml`) && names.some((n) => n.startsWith('camt053_'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(names).toContain(`pain002_${msgId}.xml`);
    expect(names.some((n) => n.startsWith('camt053_'))).toBe(true);
    expect(bank.errors).toEqual([]);
  });
});

describe('sftp-bank: keys', () => {
  it('every generated key pair reads back (ssh2 sometimes writes a 31-byte ed25519 public key)', async () => {
    const { default: ssh2 } = await import('ssh2');
    for (let i = 0; i < 2_000; i++) {
      const user = generateUserKey('k');
      expect(ssh2.utils.parseKey(user.public)).not.toBeInstanceOf(Error);
      const host = ssh2.utils.parseKey(generateHostKey());
      expect(host).not.toBeInstanceOf(Error);
    }
  });
});

describeWithShared('xsd', 'sftp-bank: its files against the official XSD', () => {
  it('the statement is valid and the malformed reply is not', () => {
    expect(forXsd.map((f) => f.what).sort()).toEqual(['the closing statement', 'the malformed reply']);
    for (const f of forXsd) expect({ what: f.what, valid: validate(f.xml, f.type).valid }).toEqual({ what: f.what, valid: f.valid });
  });
});
