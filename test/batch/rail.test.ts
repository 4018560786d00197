import * as openpgp from 'openpgp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchRail } from '../../src/batch/rail.js';
import { readBatchProfile, type BatchProfileInput } from '../../src/batch/profile.js';
import { MemoryTransport, TransportError } from '../../src/batch/transport/index.js';
import type { ConnectorReport, FlowRequest } from '../../src/connector/types.js';
import { ManualClock } from '../../src/domain/clock.js';
import { newId } from '../../src/domain/ids.js';
import { Secret } from '../../src/domain/secret.js';
import { localDate } from '../../src/batch/calendar/index.js';
import { BatchRecords, breaksOn } from '../../src/batch/records.js';
import { settlementSummary } from '../../src/batch/settlement.js';
import { reconciliationReport } from '../../src/batch/report.js';
import { build, parse, type CamtDocument, type Pacs004v09, type Pain001v09, type Pain002v10 } from '../../src/iso20022/index.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/types.js';
import { randomSchema, resolveTestDatabaseUrl } from '../store/pg-harness.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { BATCH_STORES } from './stores.js';

// Files are built (and read by the bank simulator) through the XSD gate where the official schemas
// are present; a clone alone runs the same flows with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/*
 * The batch rail over its transport's mock twin and a real (in-memory) SQLite store, on a manual
 * clock: cut-off edges, a file built and uploaded once across crashes, the inbound ledger, and
 * the status reports that settle payments.
 */

const PROFILE: BatchProfileInput = {
  bank: 'TESTBANK',
  account: { name: 'Railyard Demo Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX' },
  calendar: { timeZone: 'Europe/Berlin', cutoffs: ['10:00', '14:00'], holidays: 'TARGET2' },
  tickMs: 1_000,
  pollIntervalMs: 50,
  stableMs: 0,
  giveUpAfterMs: 60_000,
};

// Thursday 2026-11-26, 13:59:59 in Berlin (UTC+1)
const T0 = Date.UTC(2026, 10, 26, 12, 59, 59);

async function pgpKey(name: string): Promise<{ privateKey: string; publicKey: string }> {
  return openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email: `${name}@example.test` }], format: 'armored' });
}

let seq = 0;
function request(over: Partial<FlowRequest> = {}): FlowRequest {
  const paymentId = newId('pay', T0 + seq);
  return {
    paymentId,
    reference: newId('cmd', T0 + ++seq),
    amount: 1_250,
    currency: 'EUR',
    method: { type: 'bank_account', iban: new Secret('DE89370400440532013000'), name: 'Max Mustermann' },
    orderId: `order-${seq}`,
    merchant: { id: 'mch_test', name: 'Test Shop' },
    customer: { email: 'c@example.test' },
    ...over,
  };
}

function statusReport(original: Pain001v09, statuses: Record<string, { status: string; reason?: string }>): Uint8Array {
  const model: Pain002v10 = {
    groupHeader: { messageId: `STS${Date.now()}${seq++}`, creationDateTime: '2026-11-26T15:00:00+01:00' },
    originalGroup: { originalMessageId: original.groupHeader.messageId, originalMessageNameId: 'pain.001.001.09' },
    payments: original.paymentInformation.map((p) => ({
      originalPaymentInformationId: p.paymentInformationId,
      transactions: p.transactions
        .filter((t) => statuses[t.endToEndId])
        .map((t) => {
          const s = statuses[t.endToEndId] as { status: string; reason?: string };
          return { originalEndToEndId: t.endToEndId, status: s.status, ...(s.reason ? { statusReasons: [{ reason: { code: s.reason } }] } : {}) };
        }),
    })),
  };
  return Buffer.from(build('pain.002.001.10', model));
}

const STORES = BATCH_STORES;

describe.each(STORES)('batch rail on %s', (_name, makeStore) => {
  let store: Store;
  let drop: () => Promise<void>;
  let clock: ManualClock;
  let transport: MemoryTransport;
  let reports: ConnectorReport[];
  let rail: BatchRail;

  const newRail = (over: Partial<BatchProfileInput> = {}): BatchRail =>
    new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile({ ...PROFILE, ...over }), transport, clock, report: (r) => reports.push(r) });

  beforeEach(async () => {
    ({ store, drop } = await makeStore());
    await store.migrate();
    clock = new ManualClock(T0);
    transport = new MemoryTransport({ clock, renameMode: 'free-name' });
    reports = [];
    rail = newRail();
  });
  afterEach(async () => {
    await store.close();
    await drop();
  });

  const uploaded = (): string[] => transport.names('in').filter((n) => !n.startsWith('.'));
  const uploadedPain001 = (name: string): Pain001v09 => parse(transport.readText('in', name) ?? '').model as Pain001v09;

  /** One transfer filed, uploaded and accepted by a pain.002 now waiting in the bank's out/. */
  const sentAndAccepted = async (): Promise<FlowRequest> => {
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    await rail.upload();
    const original = uploadedPain001(uploaded()[0] as string);
    transport.seed('out', 'pain002_a.xml', statusReport(original, { [r.reference.replace('_', '-')]: { status: 'ACSC' } }));
    return r;
  };

  it('queues a transfer one second before the cut-off into that cut-off, and one at the cut-off into the next', async () => {
    const before = request();
    expect(await rail.enqueue(before, 'transfer')).toEqual({ kind: 'pending' });
    await clock.advance(1_000); // 14:00:00 exactly
    const at = request();
    await rail.enqueue(at, 'transfer');
    const a = await rail.records.item(before.reference);
    const b = await rail.records.item(at.reference);
    expect(new Date(a?.cutoffAt ?? 0).toISOString()).toBe('2026-11-26T13:00:00.000Z');
    expect(a?.executionDate).toBe('2026-11-26');
    // the 14:00 window is closed: Friday's 10:00 cut-off
    expect(new Date(b?.cutoffAt ?? 0).toISOString()).toBe('2026-11-27T09:00:00.000Z');
    const run = await rail.runCutoff();
    expect(run.items).toBe(1);
    expect((await rail.records.item(at.reference))?.status).toBe('queued');
  });

  it('builds a file once even when the cut-off runs again (a restart, a second node), and uploads it once', async () => {
    const reqs = [request(), request({ amount: 99 }), request({ currency: 'EUR', amount: 1 })];
    for (const r of reqs) await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    const first = await rail.runCutoff();
    expect(first.files).toHaveLength(1);
    expect(first.files[0]?.totals.EUR).toEqual({ count: 3, total: '1350' });
    expect((await rail.runCutoff()).files).toHaveLength(0);
    expect((await newRail().runCutoff()).files).toHaveLength(0);

    await rail.upload();
    await rail.upload();
    expect(uploaded()).toHaveLength(1);
    const file = uploadedPain001(uploaded()[0] as string);
    expect(file.paymentInformation.flatMap((p) => p.transactions).map((t) => t.amount.amount).sort((x, y) => x - y)).toEqual([1, 99, 1_250]);
    for (const r of reqs) expect((await rail.records.item(r.reference))?.status).toBe('sent');
  });

  it('does not upload a second copy when the rename reply was lost', async () => {
    await rail.enqueue(request(), 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    transport.loseNextReply('upload');
    const firstTry = await rail.upload();
    expect(firstTry.failed).toHaveLength(1);
    const second = await rail.upload();
    expect(second.uploaded).toHaveLength(1);
    expect(uploaded()).toHaveLength(1);
  });

  /**
   * A transport whose upload reaches the bank, which takes the file at once (moves it to archive/
   * as mocks/sftp-bank does, or deletes it), and whose reply is then lost: the state a crash
   * between the upload and its record leaves, with the file gone from the upload directory.
   */
  const bankTakesAndReplyIsLost = (after: 'move' | 'delete'): MemoryTransport =>
    Object.assign(Object.create(transport) as MemoryTransport, {
      upload: async (...a: Parameters<MemoryTransport['upload']>) => {
        const placed = await transport.upload(...a);
        if (a[1].endsWith('.xml')) {
          if (after === 'move') await transport.move('in', placed.name, 'archive');
          else await transport.remove('in', placed.name);
          throw new TransportError({ kind: 'connection', op: 'upload', file: placed.name, detail: 'injected: reply lost after the bank took the file' });
        }
        return placed;
      },
    });
  const uploadsOf = (): number => transport.ops.filter((o) => o.op === 'upload' && (o.name ?? '').endsWith('.xml')).length;

  it('uploads once after a crash when the bank already moved the file to its archive; the status report still settles the payment', async () => {
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    const profile = { directories: { takenFiles: 'moved' as const, bankTakes: ['archive'] } };
    const crashing = new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile({ ...PROFILE, ...profile }), transport: bankTakesAndReplyIsLost('move'), clock, report: () => undefined });
    expect((await crashing.upload()).failed).toHaveLength(1);
    expect(uploadsOf()).toBe(1);
    // restarted: the file is not in in/ any more, but in the bank's archive: recorded, not sent again
    const restarted = newRail(profile);
    expect((await restarted.upload()).uploaded).toHaveLength(1);
    expect(uploadsOf()).toBe(1);
    expect((await restarted.records.item(r.reference))?.status).toBe('sent');
    const original = parse(transport.readText('archive', transport.names('archive')[0] ?? '') ?? '').model as Pain001v09;
    transport.seed('out', 'pain002_a.xml', statusReport(original, { [r.reference.replace('_', '-')]: { status: 'ACSC' } }));
    // twice: a bank file counts once its size held still between two looks
    await restarted.poll();
    await restarted.poll();
    expect((await restarted.records.item(r.reference))?.status).toBe('accepted');
  });

  it('marks a file "may have reached the bank" durably before its first byte leaves', async () => {
    await rail.enqueue(request(), 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    let markedBeforeBytes: boolean | undefined;
    const watching: MemoryTransport = Object.assign(Object.create(transport) as MemoryTransport, {
      upload: async (...a: Parameters<MemoryTransport['upload']>) => {
        const rows = await store.sqlQuery('SELECT maybe_delivered FROM batch_files', []);
        markedBeforeBytes = Number((rows[0] as { maybe_delivered: number }).maybe_delivered) === 1;
        return transport.upload(...a);
      },
    });
    const node = new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile(PROFILE), transport: watching, clock, report: () => undefined });
    expect((await node.upload()).uploaded).toHaveLength(1);
    expect(markedBeforeBytes).toBe(true);
  });

  it('at a bank that deletes what it took, a file that may have arrived is not sent again: it waits for the bank\'s word', async () => {
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    const profile = { directories: { takenFiles: 'deleted' as const } };
    const built = transport.names('in').length;
    const crashing = new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile({ ...PROFILE, ...profile }), transport: bankTakesAndReplyIsLost('delete'), clock, report: () => undefined });
    await crashing.upload();
    expect(uploadsOf()).toBe(1);
    const restarted = newRail(profile);
    for (let i = 0; i < 3; i++) {
      const round = await restarted.upload();
      expect(round.uploaded).toEqual([]);
      expect(round.awaitingBank).toHaveLength(1);
    }
    expect(uploadsOf()).toBe(1);
    expect(transport.names('in').length).toBe(built);
    // the bank's status report names its transactions: the file arrived, recorded without a send
    const file = (await restarted.records.filesToUpload())[0];
    const original = parse(Buffer.from(file?.plain ?? file?.content ?? new Uint8Array()).toString('utf8')).model as Pain001v09;
    transport.seed('out', 'pain002_b.xml', statusReport(original, { [r.reference.replace('_', '-')]: { status: 'ACCP' } }));
    await restarted.poll();
    await restarted.poll();
    expect((await restarted.upload()).uploaded).toHaveLength(1);
    expect(uploadsOf()).toBe(1);
  });

  it('at a bank that refuses duplicate message ids, such a file is sent again, and the DU01 refusal of the copy records it as arrived', async () => {
    await rail.enqueue(request(), 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    const file = (await rail.records.filesToUpload())[0];
    const profile = { directories: { takenFiles: 'deleted' as const }, refusesDuplicateMessageIds: true };
    // the file may have reached the bank (a send that died), and is nowhere to be seen
    await rail.records.transaction((db) => rail.records.markFile(db, file?.id ?? '', { maybeDelivered: true }));
    const resent = newRail(profile);
    const lostAgain = Object.assign(Object.create(transport) as MemoryTransport, {
      upload: async (...a: Parameters<MemoryTransport['upload']>) => {
        await transport.upload(...a);
        throw new TransportError({ kind: 'connection', op: 'upload', file: a[1], detail: 'injected: reply lost' });
      },
    });
    const node = new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile({ ...PROFILE, ...profile }), transport: lostAgain, clock, report: () => undefined });
    await node.upload();
    expect(uploadsOf()).toBe(1);
    // the bank refuses the copy as a duplicate of the message id it already has
    const dup: Pain002v10 = {
      groupHeader: { messageId: 'STSDUP1', creationDateTime: '2026-11-26T15:00:00+01:00' },
      originalGroup: { originalMessageId: file?.messageId ?? '', originalMessageNameId: 'pain.001.001.09', groupStatus: 'RJCT', statusReasons: [{ reason: { code: 'DU01' } }] },
      payments: [],
    };
    transport.remove('in', transport.names('in').find((n) => n.endsWith('.xml')) ?? '').catch(() => undefined);
    transport.seed('out', 'pain002_dup.xml', Buffer.from(build('pain.002.001.10', dup)));
    await resent.poll();
    await resent.poll();
    expect((await resent.records.filesToUpload())).toHaveLength(0);
    expect((await resent.upload()).uploaded).toEqual([]);
    expect(uploadsOf()).toBe(1);
  });

  it('lets one node upload a file while another node runs the same worker; a lease that ran out is taken over', async () => {
    await rail.enqueue(request(), 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slow: MemoryTransport = Object.assign(Object.create(transport) as MemoryTransport, {
      upload: async (...a: Parameters<MemoryTransport['upload']>) => {
        await gate;
        return transport.upload(...a);
      },
    });
    const nodeA = new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile(PROFILE), transport: slow, clock, report: () => undefined });
    const nodeB = newRail();
    const a = nodeA.upload();
    // let node A take its lease and start sending
    for (let i = 0; i < 20 && transport.ops.filter((o) => o.op === 'stat').length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const b = await nodeB.upload();
    expect(b).toEqual({ uploaded: [], failed: [], notSent: [], awaitingBank: [] });
    release();
    expect((await a).uploaded).toHaveLength(1);
    expect(uploaded()).toHaveLength(1);

    // a node that died holding a lease: once it runs out, another node sends the file
    await rail.enqueue(request(), 'transfer');
    await rail.runCutoff(clock.now(), { all: true });
    const [file] = await rail.records.filesToUpload();
    expect(await rail.records.leaseFile(file?.id ?? '', clock.now(), clock.now() + 600_000)).toBe(true);
    expect((await nodeB.upload()).uploaded).toEqual([]);
    await clock.advance(600_000);
    expect((await nodeB.upload()).uploaded).toHaveLength(1);
  });

  it('gives a file up as never sent only when no attempt could have reached the bank', async () => {
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    for (let i = 0; i < 3; i++) {
      transport.failNext('connection');
      await rail.upload();
      await clock.advance(30_000);
    }
    expect((await rail.records.item(r.reference))?.status).toBe('not_sent');
    expect(reports.at(-1)).toMatchObject({ flow: 'transfer', reference: r.reference, outcome: { kind: 'not_sent' } });
    expect(uploaded()).toHaveLength(0);
  });

  it('keeps waiting for the bank once an upload may have reached it', async () => {
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    transport.dropNextUpload();
    await rail.upload();
    await clock.advance(120_000);
    transport.failNext('connection');
    await rail.upload();
    expect((await rail.records.item(r.reference))?.status).toBe('filed');
    expect(reports).toEqual([]);
  });

  it('applies a status report once, settles accepted and rejected transfers and tells the engine', async () => {
    const good = request();
    const bad = request();
    await rail.enqueue(good, 'transfer');
    await rail.enqueue(bad, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    await rail.upload();
    const original = uploadedPain001(uploaded()[0] as string);
    const e2e = (ref: string) => ref.replace('_', '-');
    const report = statusReport(original, { [e2e(good.reference)]: { status: 'ACSC' }, [e2e(bad.reference)]: { status: 'RJCT', reason: 'AC04' } });
    transport.seed('out', 'pain002_a.xml', report);
    transport.seed('out', '.pain002_b.xml.part', report);
    await rail.poll();
    // stable across two polls
    expect(reports).toEqual([]);
    const polled = await rail.poll();
    expect(polled.files.map((f) => f.name)).toEqual(['pain002_a.xml']);
    expect(reports.map((r) => [r.reference, r.outcome.kind])).toEqual([
      [good.reference, 'ok'],
      [bad.reference, 'declined'],
    ]);
    expect(await rail.inquire(bad.reference)).toMatchObject({ kind: 'declined', code: 'AC04' });
    expect(transport.names('out')).toEqual(['.pain002_b.xml.part']);
  });

  it('processes a file once across a crash between download and commit', async () => {
    const r = await sentAndAccepted();
    await rail.poll();
    // the crash: the store refuses the commit once, after the download
    const real = store.sqlTransaction.bind(store);
    let crashes = 1;
    store.sqlTransaction = (fn) => (crashes-- > 0 ? Promise.reject(new Error('process died')) : real(fn));
    const crashed = await rail.poll().catch((err: unknown) => err);
    expect(String(crashed)).toMatch(/process died/);
    expect(await rail.records.listInbound()).toEqual([]);
    // after the restart the file is still there and is applied exactly once
    const restarted = newRail();
    await restarted.poll();
    await restarted.poll();
    expect((await restarted.records.listInbound()).map((f) => f.outcome)).toEqual(['applied']);
    expect((await restarted.records.item(r.reference))?.status).toBe('accepted');
    expect(transport.names('out')).toEqual([]);
  });

  it('skips a file already in the ledger when a crash came before the remote clean-up', async () => {
    const r = await sentAndAccepted();
    await rail.poll();
    transport.failNext('connection', 'remove');
    await rail.poll().catch(() => undefined);
    expect(transport.names('out')).toEqual(['pain002_a.xml']);
    reports.length = 0;
    const again = newRail();
    await again.poll();
    const last = await again.poll();
    expect(last.files).toEqual([{ name: 'pain002_a.xml', message: 'pain.002.001.10', outcome: 'skipped', detail: 'already applied' }]);
    expect(await again.records.listInbound()).toHaveLength(1);
  });

  it('honours done files: a bank file counts only once its trigger file is beside it', async () => {
    rail = newRail({ inboundDoneSuffix: '.done', stableMs: 60_000 });
    const r = await sentAndAccepted();
    expect((await rail.poll()).files).toEqual([]);
    transport.seed('out', 'pain002_a.xml.done', '');
    expect((await rail.poll()).files.map((f) => f.outcome)).toEqual(['applied']);
    expect(transport.names('out')).toEqual([]);
  });

  it('fails an item the file can no longer carry at the cut-off, and files the others', async () => {
    const generic = newRail({ rules: 'generic' });
    const usd = request({ currency: 'USD' });
    const eur = request();
    expect(await generic.enqueue(usd, 'transfer')).toEqual({ kind: 'pending' });
    await generic.enqueue(eur, 'transfer');
    await clock.advance(1_000);
    // the bank profile changed to SEPA since: USD no longer fits a file
    const run = await rail.runCutoff();
    expect(run.items).toBe(1);
    expect(run.rejected.map((i) => i.reference)).toEqual([usd.reference]);
    expect((await rail.records.item(usd.reference))?.status).toBe('rejected');
    expect((await rail.records.item(eur.reference))?.status).toBe('filed');
    expect(reports).toEqual([{ flow: 'transfer', reference: usd.reference, outcome: expect.objectContaining({ kind: 'declined', code: 'invalid_transfer' }) }]);
  });

  it('refuses a transfer the file could not carry, naming the field', async () => {
    const outcome = await rail.enqueue(request({ currency: 'USD' }), 'transfer');
    expect(outcome).toMatchObject({ kind: 'declined', code: 'invalid_transfer' });
    expect((outcome as { reason: string }).reason).toMatch(/currency/);
    expect((outcome as { reason: string }).reason).not.toContain('DE89370400440532013000');
  });

  it('with OpenPGP: files leave signed and encrypted to the bank, and a tampered status report is refused unread', async () => {
    const ours = await pgpKey('railyard');
    const bank = await pgpKey('bank');
    const ourKey = new Secret(ours.privateKey);
    rail = new BatchRail({
      connector: 'bank-a',
      store,
      profile: readBatchProfile(PROFILE),
      transport,
      clock,
      report: (r) => reports.push(r),
      protection: {
        outbound: { kind: 'pgp', sign: true, encrypt: true, ourPrivateKey: ourKey, bankPublicKey: bank.publicKey },
        inbound: { kind: 'pgp', requireSignature: true, ourPrivateKey: ourKey, bankPublicKey: bank.publicKey },
      },
    });
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    await rail.upload();
    const name = uploaded()[0] as string;
    expect(name).toMatch(/\.xml\.pgp$/);
    const wire = transport.read('in', name) as Uint8Array;
    expect(Buffer.from(wire).includes(Buffer.from('CstmrCdtTrfInitn'))).toBe(false);
    // the bank's side: decrypt with its key, check our signature, answer signed and encrypted to us
    const { data: xml, signatures } = await openpgp.decrypt({
      message: await openpgp.readMessage({ binaryMessage: wire }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: bank.privateKey }),
      verificationKeys: await openpgp.readKey({ armoredKey: ours.publicKey }),
      format: 'binary',
    });
    await expect(signatures[0]?.verified).resolves.toBe(true);
    const original = parse(Buffer.from(xml as Uint8Array).toString('utf8')).model as Pain001v09;
    const reply = statusReport(original, { [r.reference.replace('_', '-')]: { status: 'ACSC' } });
    const sealed = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: reply }),
      encryptionKeys: await openpgp.readKey({ armoredKey: ours.publicKey }),
      signingKeys: await openpgp.readPrivateKey({ armoredKey: bank.privateKey }),
      format: 'binary',
    })) as Uint8Array;
    const tampered = Uint8Array.from(sealed);
    tampered[Math.floor(tampered.length / 2)] = (tampered[Math.floor(tampered.length / 2)] ?? 0) ^ 0xff;
    transport.seed('out', 'pain002_tampered.xml.pgp', tampered);
    await rail.poll();
    await rail.poll();
    expect((await rail.records.listInbound()).map((f) => [f.name, f.outcome])).toEqual([['pain002_tampered.xml.pgp', 'rejected']]);
    expect((await rail.records.item(r.reference))?.status).toBe('sent');
    expect(reports).toEqual([]);
    // the genuine file is applied
    transport.seed('out', 'pain002_good.xml.pgp', sealed);
    await rail.poll();
    await rail.poll();
    expect((await rail.records.item(r.reference))?.status).toBe('accepted');
  });

  /** Two transfers queued, filed, sent and accepted by the bank: the ground for the statement tests. */
  const twoAccepted = async (): Promise<{ a: FlowRequest; b: FlowRequest; original: Pain001v09 }> => {
    const a = request({ amount: 1_000 });
    const b = request({ amount: 2_500 });
    await rail.enqueue(a, 'transfer');
    await rail.enqueue(b, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    await rail.upload();
    const original = uploadedPain001(uploaded()[0] as string);
    transport.seed('out', 'pain002_a.xml', statusReport(original, { [a.reference.replace('_', '-')]: { status: 'ACSC' }, [b.reference.replace('_', '-')]: { status: 'ACSC' } }));
    await rail.poll();
    await rail.poll();
    return { a, b, original };
  };

  it('a camt.054 credit notification settles what it names; the summary per cut-off shows where the money stands', async () => {
    const { a, b } = await twoAccepted();
    const e2e = a.reference.replace('_', '-');
    const notification: CamtDocument = {
      groupHeader: { messageId: 'NTF-1', creationDateTime: '2026-11-26T16:00:00+01:00' },
      reports: [
        {
          id: 'NTF-1-1',
          account: { iban: PROFILE.account.iban, currency: 'EUR' },
          balances: [],
          entries: [
            { amount: { amount: 1_000, currency: 'EUR' }, creditDebit: 'CRDT', status: 'BOOK', bookingDate: { date: '2026-11-26' }, accountServicerReference: 'ASR-N1', transactions: [{ references: { endToEndId: e2e }, amount: { amount: 1_000, currency: 'EUR' }, creditDebit: 'CRDT' }] },
          ],
        },
      ],
    };
    transport.seed('out', 'camt054_1.xml', build('camt.054.001.08', notification));
    await rail.poll();
    await rail.poll();
    expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
    expect((await rail.records.item(b.reference))?.settlement).toBe('batched');
    // the day was checked and nothing was found: the merchant's report shows the notification, no breaks
    const report = await reconciliationReport(store, '2026-11-26', { merchantId: 'mch_test' });
    expect(report.statements.map((x) => x.statement_id)).toEqual(['054:NTF-1-1']);
    expect(report.breaks).toEqual([]);
    expect((await reconciliationReport(store, '2026-11-26', { merchantId: 'mch_other' })).statements).toEqual([]);
    const [summary] = await settlementSummary(rail.records);
    expect(summary?.files).toBe(1);
    expect(summary?.currencies.EUR).toMatchObject({
      count: 2,
      total: '3500',
      bySettlement: { settled: { count: 1, total: '1000' }, batched: { count: 1, total: '2500' } },
      byStatus: { accepted: { count: 2, total: '3500' } },
    });
  });

  it('keeps a statement of another account without reconciling it against this account', async () => {
    const { a } = await twoAccepted();
    const other: CamtDocument = {
      groupHeader: { messageId: 'NTF-X', creationDateTime: '2026-11-26T16:00:00+01:00' },
      reports: [
        {
          id: 'NTF-X-1',
          account: { iban: 'DE89370400440532013000', currency: 'EUR' },
          balances: [],
          entries: [{ amount: { amount: 1_000, currency: 'EUR' }, creditDebit: 'CRDT', status: 'BOOK', transactions: [{ references: { endToEndId: a.reference.replace('_', '-') } }] }],
        },
      ],
    };
    transport.seed('out', 'camt054_other.xml', build('camt.054.001.08', other));
    await rail.poll();
    await rail.poll();
    expect((await rail.records.item(a.reference))?.settlement).toBe('batched');
    const row = (await rail.records.listInbound()).find((f) => f.name === 'camt054_other.xml');
    expect(row?.detail).toMatch(/statement NTF-X-1 of account DE89\*+3000 \(1 entries\): not DE75\*+6199, kept, not reconciled/);
    expect(await breaksOn(store, '2026-11-26')).toEqual([]);
  });

  it('a pacs.004 return marks the settlement returned and records one RETURNED break, also when the file comes twice', async () => {
    const { a } = await twoAccepted();
    const e2e = a.reference.replace('_', '-');
    const ret: Pacs004v09 = {
      groupHeader: { messageId: 'RTR-1', creationDateTime: '2026-11-27T09:00:00+01:00', settlementInformation: { method: 'CLRG' } },
      transactions: [{ returnId: 'R1', originalEndToEndId: e2e, returnedInterbankSettlementAmount: { amount: 1_000, currency: 'EUR' }, returnReasons: [{ reason: { code: 'AC04' } }] }],
    };
    const xml = build('pacs.004.001.09', ret);
    transport.seed('out', 'pacs004_1.xml', xml);
    await rail.poll();
    await rail.poll();
    transport.seed('out', 'pacs004_1_again.xml', xml);
    await rail.poll();
    await rail.poll();
    expect((await rail.records.item(a.reference))?.settlement).toBe('returned');
    const breaks = await breaksOn(store, localDate(clock.now(), 'Europe/Berlin'));
    expect(breaks.map((x) => [x.type, x.paymentId, x.data.detail])).toEqual([['RETURNED', a.paymentId, expect.stringContaining('AC04')]]);
    expect((await rail.records.listInbound()).map((f) => f.outcome).sort()).toEqual(['applied', 'applied', 'duplicate']);
  });

  it('keeps the first copy when the bank refuses a second one as a duplicate (DU01), and says so in the ledger', async () => {
    const { a, original } = await twoAccepted();
    const refusal: Pain002v10 = {
      groupHeader: { messageId: 'STS-DU01', creationDateTime: '2026-11-26T15:05:00+01:00' },
      originalGroup: { originalMessageId: original.groupHeader.messageId, originalMessageNameId: 'pain.001.001.09', groupStatus: 'RJCT', statusReasons: [{ reason: { code: 'DU01' } }] },
      payments: [],
    };
    transport.seed('out', 'pain002_du01.xml', build('pain.002.001.10', refusal));
    reports.length = 0;
    await rail.poll();
    await rail.poll();
    expect((await rail.records.item(a.reference))?.status).toBe('accepted');
    expect(reports).toEqual([]);
    const row = (await rail.records.listInbound()).find((f) => f.name === 'pain002_du01.xml');
    expect(row?.detail).toMatch(/duplicate.*DU01.*first copy stands/);
  });

  it('does not download again a file it took before that the profile leaves in place', async () => {
    rail = newRail({ directories: { afterIngest: 'keep' } });
    await twoAccepted();
    const downloads = () => transport.ops.filter((o) => o.op === 'download').length;
    const before = downloads();
    await rail.poll();
    await rail.poll();
    expect(downloads()).toBe(before);
    expect(transport.names('out')).toEqual(['pain002_a.xml']);
  });

  it('leaves a bank file too large to take where it is, says so in health, and takes the others', async () => {
    rail = newRail({ maxInboundBytes: 1024 });
    const r = request();
    await rail.enqueue(r, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    await rail.upload();
    const original = uploadedPain001(uploaded()[0] as string);
    transport.seed('out', 'a_huge.xml', 'x'.repeat(4_096));
    const report = statusReport(original, { [r.reference.replace('_', '-')]: { status: 'ACSC' } });
    rail = newRail({ maxInboundBytes: Math.max(1024, report.byteLength + 1) });
    transport.seed('out', 'pain002_a.xml', report);
    await rail.tick();
    await clock.advance(1_000);
    const round = await rail.tick();
    expect(round.poll?.problems.map((f) => f.name)).toEqual(['a_huge.xml']);
    expect((await rail.records.item(r.reference))?.status).toBe('accepted');
    expect(transport.names('out')).toEqual(['a_huge.xml']);
    expect(rail.health()).toMatchObject({ ok: false, detail: expect.stringContaining('too_large') });
  });

  it('moves applied files to the processed directory when the profile says so', async () => {
    rail = newRail({ directories: { afterIngest: 'move', processed: 'done' } });
    await twoAccepted();
    expect(transport.names('out')).toEqual([]);
    expect(transport.names('done')).toEqual(['pain002_a.xml']);
  });

  it('answers an inquiry about a reference it never queued with proof that nothing was sent', async () => {
    expect(await rail.inquire('cmd_unknown')).toMatchObject({ kind: 'not_sent', neverReceived: true });
  });

  it('a transfer never queued (lost in a crash) is queued once when sent again under its reference; a later copy changes nothing', async () => {
    const lost = request();
    expect(await rail.inquire(lost.reference)).toMatchObject({ kind: 'not_sent', neverReceived: true });
    const resend = { ...lost, repeat: true };
    expect(await rail.enqueue(resend, 'transfer')).toEqual({ kind: 'pending' });
    expect(await rail.enqueue(resend, 'transfer')).toEqual({ kind: 'pending' });
    expect(await rail.inquire(lost.reference)).toEqual({ kind: 'pending' });
    const rows = await store.sqlQuery('SELECT reference FROM batch_items WHERE reference = ?', [lost.reference]);
    expect(rows).toHaveLength(1);
  });
});

describe('batch profile', () => {
  it('refuses at start what every cut-off would trip on, naming the setting', () => {
    expect(() => readBatchProfile({ ...PROFILE, calendar: { timeZone: 'Europe/Atlantis', cutoffs: ['10:00'], holidays: 'TARGET2' } })).toThrow(/calendar\.timeZone/);
    expect(() => readBatchProfile({ ...PROFILE, fileNameTemplate: '{bank}_{date}.xml' })).toThrow(/fileNameTemplate/);
    expect(() => readBatchProfile({ ...PROFILE, fileNameTemplate: '../{bank}_{seq}.xml' })).toThrow(/fileNameTemplate/);
    expect(readBatchProfile(PROFILE).dateWindowDays).toBe(5);
  });
});

describe('batch file names on PostgreSQL', () => {
  it('never gives two concurrent cut-off runs the same sequence number', async () => {
    const url = await resolveTestDatabaseUrl();
    const schema = randomSchema();
    const store = new PostgresStore({ connectionString: url, schema, maxConnections: 8 });
    try {
      await store.migrate();
      const records = new BatchRecords(store, 'bank-a');
      const drawn = await Promise.all(Array.from({ length: 8 }, () => store.sqlTransaction((db) => records.nextSequence(db, 2))));
      const numbers = drawn.flatMap((first) => [first, first + 1]);
      expect(new Set(numbers).size).toBe(16);
      expect(Math.min(...numbers)).toBe(1);
    } finally {
      await store.close();
      const admin = new PostgresStore({ connectionString: url, maxConnections: 1 });
      await admin.sqlTransaction((db) => db.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      await admin.close();
    }
  });
});
