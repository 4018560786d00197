import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.js';
import type { FlowRequest } from '../../src/connector/types.js';
import { build, newMessageId, parse, validate, type BuildableModels, type BuildableType } from '../../src/iso20022/index.js';
import { toAcmt023, toCamt055, toCamt056, toPacs004, toPacs008, toPacs028, toPain001, toRefundPain001, type BankAccount, type Parties } from '../../connectors/demo-sepa/mapping.js';
import { BANK_TEST_IBANS, checkName, startIso20022Bank, type Iso20022Bank } from '../../mocks/iso20022-bank/index.js';
import { itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// The simulator builds its replies through the XSD gate where the official schemas are present;
// a clone alone runs it with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

const parties: Parties = { creditor: { name: 'Demo Shop', iban: 'DE75512108001245126199' }, bankBic: 'SIMBDEFFXXX' };
let seq = 0;
const request = (iban: string, name = 'Max Mustermann', amount = 1_000): { req: FlowRequest; account: BankAccount } => {
  const account: BankAccount = { type: 'bank_account', iban: new Secret(iban), name };
  const n = ++seq;
  return {
    account,
    req: {
      paymentId: `pay_test${n}`,
      reference: `cmd_ref${n}_${Date.now()}`,
      amount,
      currency: 'EUR',
      method: account,
      orderId: `order-${n}`,
      merchant: { id: 'm', name: 'Demo Shop' },
      customer: { email: 'c@example.test' },
    },
  };
};
const ctx = () => ({ messageId: newMessageId(), now: Date.now() });

/** Polls until `done` holds (pushes arrive on the bank's own schedule), for at most 5 s. */
async function until<T>(get: () => T, done: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 5_000;
  for (;;) {
    const v = get();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A callback receiver standing in for Railyard's inbound endpoint. */
function receiver() {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.end('ok');
    });
  });
  return {
    bodies,
    start: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/connectors/demo-sepa/inbound`))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('iso20022-bank simulator', () => {
  let bank: Iso20022Bank;
  const cb = receiver();

  const post = async <T extends BuildableType>(path: string, type: T, model: BuildableModels[T]) => {
    const res = await fetch(bank.url + path, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: build(type, model) });
    const body = await res.text();
    return { status: res.status, body };
  };
  /** Every reply and push read below, checked against the official XSD by the last test of this suite. */
  const answered: string[] = [];
  const reply = async <T extends BuildableType>(path: string, type: T, model: BuildableModels[T]) => {
    const r = await post(path, type, model);
    expect(r.status).toBe(200);
    answered.push(r.body);
    return parse(r.body);
  };

  beforeAll(async () => {
    bank = await startIso20022Bank({ port: 0, host: '127.0.0.1', callbackUrl: await cb.start(), settleAfterMs: 600, slowReplyMs: 300, unreachableMs: 500 });
  });
  afterEach(async () => {
    await bank.clearFaults();
  });
  afterAll(async () => {
    await bank.close();
    await cb.close();
  });

  it('verifies names: match, close match with the suggested name, no match, not possible', async () => {
    const cases = [
      [BANK_TEST_IBANS.verified.iban, 'Max Mustermann', 'MTCH', true],
      [BANK_TEST_IBANS.verified.iban, 'Max Musterman', 'CMTC', false],
      [BANK_TEST_IBANS.verified.iban, 'Erika Musterfrau', 'NMTC', false],
      [BANK_TEST_IBANS.verificationNotPossible, 'Jean Dupont', 'NOAP', false],
    ] as const;
    for (const [iban, name, code, verified] of cases) {
      const { req, account } = request(iban, name);
      const m = await reply('/verifications', 'acmt.023.001.03', toAcmt023(req, account, parties, ctx()));
      expect(m.type).toBe('acmt.024.001.03');
      if (m.type !== 'acmt.024.001.03') return;
      expect(m.model.reports[0]).toMatchObject({ originalId: req.reference, verified, reason: { code } });
      if (code === 'CMTC') expect(m.model.reports[0]?.updated?.party?.name).toBe('Max Mustermann');
    }
    expect(checkName(BANK_TEST_IBANS.verified.iban, 'M. Mustermann')).toEqual({ result: 'CMTC', suggestedName: 'Max Mustermann' });
  });

  it('answers pain.001 per the IBAN test values and keeps one ledger entry per EndToEndId', async () => {
    const expectations = [
      [BANK_TEST_IBANS.verified.iban, 'ACSC', undefined],
      [BANK_TEST_IBANS.rejectedAC01, 'RJCT', 'AC01'],
      [BANK_TEST_IBANS.rejectedAM04, 'RJCT', 'AM04'],
      [BANK_TEST_IBANS.pendingThenAccepted, 'PDNG', undefined],
    ] as const;
    for (const [iban, status, reason] of expectations) {
      const { req, account } = request(iban);
      const m = await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
      if (m.type !== 'pain.002.001.10') throw new Error(m.type);
      const tx = m.model.payments[0]?.transactions[0];
      expect(tx).toMatchObject({ originalEndToEndId: req.reference, originalInstructionId: req.paymentId, status });
      expect(tx?.statusReasons?.[0]?.reason?.code).toBe(reason);
      expect(bank.ledger.get(req.reference)).toMatchObject({ flow: 'transfer', executed: true, received: 1, status, amount: { amount: 1_000, currency: 'EUR' } });
    }
  });

  it('a repeated EndToEndId is answered from the ledger, counted, and never executed twice', async () => {
    const { req, account } = request(BANK_TEST_IBANS.verified.iban);
    await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
    const again = await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
    if (again.type !== 'pain.002.001.10') throw new Error(again.type);
    expect(again.model.payments[0]?.transactions[0]?.status).toBe('ACSC');
    expect(bank.ledger.get(req.reference)?.received).toBe(2);
    expect(bank.ledger.entries().filter((e) => e.id === req.reference)).toHaveLength(1);
  });

  it('pushes the settlement of a pending transfer to the callback, and pacs.028 sees it', async () => {
    const { req, account } = request(BANK_TEST_IBANS.pendingThenAccepted);
    await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
    const before = cb.bodies.length;
    const inquiry = await reply('/status-requests', 'pacs.028.001.03', toPacs028(request('x').req, { flow: 'transfer', reference: req.reference }, ctx()));
    if (inquiry.type !== 'pacs.002.001.10') throw new Error(inquiry.type);
    expect(inquiry.model.transactions[0]).toMatchObject({ originalEndToEndId: req.reference, status: 'PDNG' });
    const mine = await until(() => cb.bodies.slice(before).filter((b) => b.includes(req.reference)), (m) => m.length > 0);
    await bank.pushesSettled();
    expect(mine).toHaveLength(1);
    const p = parse(mine[0] ?? '');
    if (p?.type !== 'pain.002.001.10') throw new Error(String(p?.type));
    expect(p.model.payments[0]?.transactions[0]).toMatchObject({ originalEndToEndId: req.reference, status: 'ACSC' });
    answered.push(mine[0] ?? '');
    const later = await reply('/status-requests', 'pacs.028.001.03', toPacs028(request('x').req, { flow: 'transfer', reference: req.reference }, ctx()));
    if (later.type !== 'pacs.002.001.10') throw new Error(later.type);
    expect(later.model.transactions[0]?.status).toBe('ACSC');
    expect(bank.ledger.get(req.reference)?.pushes).toBe(1);
  });

  it('a status request about a transaction it never received is RJCT NOOR', async () => {
    const m = await reply('/status-requests', 'pacs.028.001.03', toPacs028(request('x').req, { flow: 'transfer', reference: 'cmd_never_sent' }, ctx()));
    if (m.type !== 'pacs.002.001.10') throw new Error(m.type);
    expect(m.model.transactions[0]).toMatchObject({ originalEndToEndId: 'cmd_never_sent', status: 'RJCT', statusReasons: [{ reason: { code: 'NOOR' } }] });
  });

  it('pacs.008 (FI-to-FI profile) is answered by pacs.002', async () => {
    const { req, account } = request(BANK_TEST_IBANS.rejectedAM04);
    const m = await reply('/payments', 'pacs.008.001.08', toPacs008(req, account, parties, { ...ctx(), uetr: '8a562c67-ca16-48ba-b074-65581be6f011' }));
    if (m.type !== 'pacs.002.001.10') throw new Error(m.type);
    expect(m.model.transactions[0]).toMatchObject({ originalEndToEndId: req.reference, status: 'RJCT', statusReasons: [{ reason: { code: 'AM04' } }] });
  });

  it('pacs.004 returns are bounded by what was paid; camt.056 cancels once', async () => {
    const { req, account } = request(BANK_TEST_IBANS.verified.iban, 'Max Mustermann', 1_000);
    await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
    const ret = (amount: number) => {
      const r = request(BANK_TEST_IBANS.verified.iban, 'Max Mustermann', amount).req;
      return { r, model: toPacs004(r, req.reference, ctx()) };
    };
    const first = ret(600);
    const ok1 = await reply('/returns', 'pacs.004.001.09', first.model);
    if (ok1.type !== 'pacs.002.001.10') throw new Error(ok1.type);
    expect(ok1.model.transactions[0]).toMatchObject({ originalTransactionId: first.r.reference, status: 'ACSC' });
    const tooMuch = ret(500);
    const no = await reply('/returns', 'pacs.004.001.09', tooMuch.model);
    if (no.type !== 'pacs.002.001.10') throw new Error(no.type);
    expect(no.model.transactions[0]).toMatchObject({ status: 'RJCT', statusReasons: [{ reason: { code: 'AM09' } }] });
    expect(bank.ledger.get(req.reference)?.returned).toBe(600);

    const { req: paid, account: acc2 } = request(BANK_TEST_IBANS.verified.iban);
    await reply('/payments', 'pain.001.001.09', toPain001(paid, acc2, parties, ctx()));
    const cancel = request('x').req;
    const c1 = await reply('/cancellations', 'camt.056.001.08', toCamt056(cancel, paid.reference, parties, ctx()));
    if (c1.type !== 'camt.029.001.09') throw new Error(c1.type);
    expect(c1.model.status.confirmation).toBe('CNCL');
    expect(bank.ledger.get(paid.reference)?.reversed).toBe(true);
    const c2 = await reply('/cancellations', 'camt.056.001.08', toCamt056(request('x').req, paid.reference, parties, ctx()));
    if (c2.type !== 'camt.029.001.09') throw new Error(c2.type);
    expect(c2.model.status.confirmation).toBe('RJCR');
    expect(c2.model.cancellationDetails?.[0]?.transactions[0]?.cancellationStatusReasons?.[0]?.reason?.code).toBe('ARDT');
  });

  it('camt.055 (customer cancellation of a pain.001) is answered by camt.029 per payment information block, once', async () => {
    const { req: paid, account } = request(BANK_TEST_IBANS.verified.iban);
    await reply('/payments', 'pain.001.001.09', toPain001(paid, account, parties, ctx()));
    const cancel = request('x').req;
    const c1 = await reply('/cancellations', 'camt.055.001.08', toCamt055(cancel, paid.reference, parties, ctx()));
    if (c1.type !== 'camt.029.001.09') throw new Error(c1.type);
    expect(c1.model.status.confirmation).toBe('CNCL');
    expect(c1.model.cancellationDetails?.[0]?.payments).toEqual([
      expect.objectContaining({
        originalPaymentInformationId: paid.reference,
        paymentInformationCancellationStatus: 'ACCR',
        transactions: [expect.objectContaining({ cancellationStatusId: cancel.reference, originalEndToEndId: paid.reference, transactionCancellationStatus: 'ACCR' })],
      }),
    ]);
    expect(bank.ledger.get(paid.reference)?.reversed).toBe(true);
    expect(bank.ledger.get(cancel.reference)).toMatchObject({ flow: 'reverse', messageType: 'camt.055.001.08', status: 'CNCL' });
    // the same request again is answered from the ledger; a second request is refused ARDT
    const again = await reply('/cancellations', 'camt.055.001.08', toCamt055(cancel, paid.reference, parties, ctx()));
    if (again.type !== 'camt.029.001.09') throw new Error(again.type);
    expect(again.model.status.confirmation).toBe('CNCL');
    expect(bank.ledger.get(cancel.reference)?.received).toBe(2);
    const second = await reply('/cancellations', 'camt.055.001.08', toCamt055(request('x').req, paid.reference, parties, ctx()));
    if (second.type !== 'camt.029.001.09') throw new Error(second.type);
    expect(second.model.cancellationDetails?.[0]?.payments?.[0]).toMatchObject({ paymentInformationCancellationStatus: 'RJCR', transactions: [{ transactionCancellationStatus: 'RJCR', cancellationStatusReasons: [{ reason: { code: 'ARDT' } }] }] });
  });

  it('a refund sent as a pain.001 credit transfer back is executed once per EndToEndId, bounded by the payment, and pushed like a transfer', async () => {
    const { req, account } = request(BANK_TEST_IBANS.verified.iban, 'Max Mustermann', 1_000);
    await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
    const refund = (amount: number) => {
      const r = request(BANK_TEST_IBANS.verified.iban, 'Max Mustermann', amount).req;
      return { r, model: toRefundPain001(r, account, req.reference, parties, ctx()) };
    };
    const first = refund(600);
    const ok1 = await reply('/payments', 'pain.001.001.09', first.model);
    if (ok1.type !== 'pain.002.001.10') throw new Error(ok1.type);
    expect(ok1.model.payments[0]).toMatchObject({ originalPaymentInformationId: `RFND-${first.r.reference}`, transactions: [{ originalEndToEndId: first.r.reference, status: 'ACSC' }] });
    expect(bank.ledger.get(first.r.reference)).toMatchObject({ flow: 'refund', messageType: 'pain.001.001.09', original: req.reference, amount: { amount: 600, currency: 'EUR' } });
    // sent again: answered from the ledger, not paid twice
    await reply('/payments', 'pain.001.001.09', first.model);
    expect(bank.ledger.get(first.r.reference)?.received).toBe(2);
    expect(bank.ledger.get(req.reference)?.returned).toBe(600);
    const tooMuch = await reply('/payments', 'pain.001.001.09', refund(500).model);
    if (tooMuch.type !== 'pain.002.001.10') throw new Error(tooMuch.type);
    expect(tooMuch.model.payments[0]?.transactions[0]).toMatchObject({ status: 'RJCT', statusReasons: [{ reason: { code: 'AM09' } }] });
    // its status report, pushed later, names the refund's own EndToEndId under its RFND- block
    bank.inject('duplicate_push', 'transfer');
    const before = cb.bodies.length;
    await reply('/payments', 'pain.001.001.09', first.model);
    const bodies = await until(() => cb.bodies.slice(before), (b) => b.length > 0);
    const pushed = parse(bodies[0] ?? '');
    if (pushed.type !== 'pain.002.001.10') throw new Error(pushed.type);
    expect(pushed.model.payments[0]).toMatchObject({ originalPaymentInformationId: `RFND-${first.r.reference}`, transactions: [{ originalEndToEndId: first.r.reference, status: 'ACSC' }] });
    expect(await until(() => bank.ledger.get(first.r.reference)?.pushes ?? 0, (n) => n >= 1)).toBe(1);
    expect(bank.ledger.get(req.reference)?.returned).toBe(600);
  });

  it('refuses what it cannot read, and messages on the wrong resource', async () => {
    const bad = await fetch(bank.url + '/payments', { method: 'POST', body: '<Document><oops' });
    expect(bad.status).toBe(400);
    const { req, account } = request(BANK_TEST_IBANS.verified.iban);
    expect((await post('/verifications', 'pain.001.001.09', toPain001(req, account, parties, ctx()))).status).toBe(400);
    expect(bank.ledger.get(req.reference)).toBeUndefined();
  });

  describe('faults', () => {
    it('no_reply: counted, not executed, never answered', async () => {
      bank.inject('no_reply', 'transfer');
      const { req, account } = request(BANK_TEST_IBANS.verified.iban);
      const res = await fetch(bank.url + '/payments', { method: 'POST', body: build('pain.001.001.09', toPain001(req, account, parties, ctx())), signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
      expect(res).toBeInstanceOf(Error);
      expect(bank.ledger.get(req.reference)).toMatchObject({ executed: false, received: 1 });
    });

    it('slow_reply: executed at once, answered late', async () => {
      bank.inject('slow_reply', 'transfer');
      const { req, account } = request(BANK_TEST_IBANS.verified.iban);
      const started = Date.now();
      const pending = post('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
      await new Promise((r) => setTimeout(r, 100));
      expect(bank.ledger.get(req.reference)?.status).toBe('ACSC');
      expect((await pending).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    });

    it('invalid_xml: executed, answered with a body that is not XML', async () => {
      bank.inject('malformed_reply', 'transfer');
      const { req, account } = request(BANK_TEST_IBANS.verified.iban);
      const r = await post('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
      expect(r.status).toBe(200);
      expect(() => parse(r.body)).toThrow();
      expect(bank.ledger.get(req.reference)?.executed).toBe(true);
    });

    it('duplicate_push: the status report arrives again at the callback', async () => {
      bank.inject('duplicate_push', 'transfer');
      const before = cb.bodies.length;
      const { req, account } = request(BANK_TEST_IBANS.verified.iban);
      await reply('/payments', 'pain.001.001.09', toPain001(req, account, parties, ctx()));
      const pushed = (await until(() => cb.bodies.slice(before).filter((b) => b.includes(req.reference)), (m) => m.length > 0)).map((b) => parse(b));
      expect(pushed.map((p) => (p.type === 'pain.002.001.10' ? p.model.payments[0]?.transactions[0] : null))).toEqual([
        expect.objectContaining({ originalEndToEndId: req.reference, status: 'ACSC' }),
      ]);
    });

    it('unreachable: connections are refused until it comes back', async () => {
      bank.inject('unreachable', 'verify');
      // a keep-alive socket the bank just dropped may still be picked by the client for a moment
      await new Promise((r) => setTimeout(r, 50));
      const err = await fetch(bank.url + '/verifications', { method: 'POST', body: 'x' }).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(String((err as Error & { cause?: { code?: string } }).cause?.code)).toBe('ECONNREFUSED');
      await new Promise((r) => setTimeout(r, 650));
      expect((await fetch(bank.url + '/verifications', { method: 'POST', body: 'x' })).status).toBe(400);
    });

    it('takes faults over HTTP too', async () => {
      const res = await fetch(bank.url + '/_control/faults', { method: 'POST', body: JSON.stringify({ fault: 'invalid_xml', flow: 'verify' }) });
      expect(res.status).toBe(200);
      const { req, account } = request(BANK_TEST_IBANS.verified.iban);
      const r = await post('/verifications', 'acmt.023.001.03', toAcmt023(req, account, parties, ctx()));
      expect(() => parse(r.body)).toThrow();
      const ledger = (await (await fetch(bank.url + '/_control/ledger')).json()) as Array<{ id: string }>;
      expect(ledger.some((e) => e.id === req.reference)).toBe(true);
    });
  });

  itWithShared('xsd', 'every reply and push read above passes the official XSD', () => {
    expect(answered.length).toBeGreaterThan(10);
    for (const body of answered) expect(validate(body)).toEqual({ messageType: expect.any(String), valid: true, findings: [] });
  });
});

describe('iso20022-bank with a journal', () => {
  const cb = receiver();
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-iso20022-bank-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('outlives a restart: executed ids are answered from the ledger, pending ones still settle and are pushed', async () => {
    const journalPath = join(dir, 'ledger.jsonl');
    const callbackUrl = await cb.start();
    const first = await startIso20022Bank({ port: 0, journalPath, callbackUrl, settleAfterMs: 500 });
    const paid = request(BANK_TEST_IBANS.verified.iban);
    const pending = request(BANK_TEST_IBANS.pendingThenAccepted);
    for (const { req, account } of [paid, pending]) {
      const res = await fetch(first.url + '/payments', { method: 'POST', body: build('pain.001.001.09', toPain001(req, account, parties, ctx())) });
      expect(res.status).toBe(200);
    }
    await first.close();

    const second = await startIso20022Bank({ port: 0, journalPath, callbackUrl, settleAfterMs: 500 });
    try {
      expect(second.ledger.get(paid.req.reference)).toMatchObject({ status: 'ACSC', received: 1, executed: true });
      const again = await fetch(second.url + '/payments', { method: 'POST', body: build('pain.001.001.09', toPain001(paid.req, paid.account, parties, ctx())) });
      const reply = parse(await again.text());
      if (reply.type !== 'pain.002.001.10') throw new Error(reply.type);
      expect(reply.model.payments[0]?.transactions[0]?.status).toBe('ACSC');
      expect(second.ledger.get(paid.req.reference)?.received).toBe(2);
      const pushed = await until(() => cb.bodies.filter((b) => b.includes(pending.req.reference)), (m) => m.length > 0);
      expect(pushed).toHaveLength(1);
      await second.pushesSettled();
      expect(second.ledger.get(pending.req.reference)).toMatchObject({ status: 'ACSC', pushes: 1 });
    } finally {
      await second.close();
      await cb.close();
    }
  });
});
