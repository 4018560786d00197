import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BatchRail } from '../../src/batch/rail.js';
import { readBatchProfile } from '../../src/batch/profile.js';
import { protectOutbound } from '../../src/batch/protect/index.js';
import { sha256Hex } from '../../src/batch/records.js';
import { MemoryTransport } from '../../src/batch/transport/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { build, type CamtDocument } from '../../src/iso20022/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { credentialFromPem, loadCertificates, SignatureVerifier, type Credential } from '../../src/trust/index.js';
import { createTestPki, type TestPki } from '../trust/pki.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// files are built through the XSD gate where the official schemas are present; a clone alone runs with it off
xsdGateOffWithoutSharedXsd();

/*
 * Bank files signed with a detached CMS signature (`name.p7s` beside `name`): a file whose
 * signature does not come is left alone (not downloaded poll after poll) and, past
 * `signatureWaitMs`, named in the rail's health; once it comes, both are archived together.
 */

const OURS = 'DE75512108001245126199';
const WAIT_MS = 60_000;

let pki: TestPki;
let signer: Credential;
let verifier: SignatureVerifier;
beforeAll(() => {
  pki = createTestPki();
  signer = credentialFromPem(pki.read(pki.ec256.cert), pki.read(pki.ec256.key), { purpose: 'sign' });
  verifier = new SignatureVerifier(loadCertificates([pki.ca]));
}, 60_000);
afterAll(() => pki?.cleanup());

const notification = (): Uint8Array =>
  Buffer.from(
    build('camt.054.001.08', {
      groupHeader: { messageId: 'NTF-SIG', creationDateTime: '2026-12-06T10:00:00+01:00' },
      reports: [{ id: 'NTF-SIG-1', account: { iban: OURS, currency: 'EUR' }, balances: [], entries: [] }],
    } satisfies CamtDocument),
  );

describe('inbound files with detached CMS signatures', () => {
  let store: SqliteStore;
  let clock: ManualClock;
  let transport: MemoryTransport;
  let rail: BatchRail;

  beforeEach(async () => {
    store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    // the test certificates are valid from today: the rail's clock starts now
    clock = new ManualClock(Date.now());
    transport = new MemoryTransport({ clock, renameMode: 'free-name' });
    rail = new BatchRail({
      connector: 'bank-sig',
      store,
      profile: readBatchProfile({
        bank: 'SIGBANK',
        account: { name: 'Railyard Demo Shop', iban: OURS },
        calendar: { everyMs: 3_600_000 },
        pollIntervalMs: 50,
        stableMs: 0,
        signatureWaitMs: WAIT_MS,
      }),
      transport,
      clock,
      report: () => undefined,
      protection: { outbound: { kind: 'none' }, inbound: { kind: 'cms-detached', verifier } },
    });
  });
  afterEach(async () => {
    await store.close();
  });

  const downloads = (): string[] => transport.ops.filter((o) => o.op === 'download').map((o) => ('name' in o ? String(o.name) : ''));

  it('leaves a file without its .p7s undownloaded, alerts health after the wait, and archives both once the signature comes', async () => {
    const data = notification();
    const signed = await protectOutbound(data, { kind: 'cms-detached', signer });
    const sig = signed.sidecar?.data as Uint8Array;
    transport.seed('out', 'camt054_sig.xml', data);

    for (let i = 0; i < 3; i++) {
      const r = await rail.poll();
      expect(r.problems).toEqual([]);
      await clock.advance(10_000);
    }
    expect(downloads()).toEqual([]);
    expect(rail.health().ok).toBe(true);

    await clock.advance(WAIT_MS);
    const late = await rail.poll();
    expect(late.problems.map((p) => p.detail)).toEqual([expect.stringMatching(/^signature_missing: its \.p7s has not arrived in 1 min; not read$/)]);
    expect(rail.health()).toMatchObject({ ok: false, detail: expect.stringContaining('signature_missing') });
    expect(downloads()).toEqual([]);
    expect(await rail.records.listInbound()).toEqual([]);

    transport.seed('out', 'camt054_sig.xml.p7s', sig);
    await clock.advance(1_000);
    const applied = await rail.poll();
    expect(applied.files.map((f) => [f.name, f.outcome])).toEqual([['camt054_sig.xml', 'applied']]);
    const [row] = await rail.records.listInbound();
    expect(row?.sidecarSha256).toBe(sha256Hex(sig));
    expect(Buffer.from((await rail.records.inboundSidecar(row?.id as string)) ?? []).equals(Buffer.from(sig))).toBe(true);
    // file and signature leave the bank's directory together
    expect(transport.names('out')).toEqual([]);
    // the next round is healthy again
    await clock.advance(1_000);
    await rail.tick();
    expect(rail.health().ok).toBe(true);
  });

  it('keeps the signature of a file it rejects, beside it', async () => {
    const data = notification();
    const forged = Buffer.from(data.toString().replace('NTF-SIG-1', 'NTF-SIG-2'));
    const sig = (await protectOutbound(data, { kind: 'cms-detached', signer })).sidecar?.data as Uint8Array;
    transport.seed('out', 'camt054_bad.xml', forged);
    transport.seed('out', 'camt054_bad.xml.p7s', sig);
    await rail.poll();
    await rail.poll();
    const [row] = await rail.records.listInbound();
    expect(row?.outcome).toBe('rejected');
    expect(row?.detail).toMatch(/protection check failed/);
    expect(row?.sidecarSha256).toBe(sha256Hex(sig));
  });
});
