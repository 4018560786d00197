import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../src/connector/testing.js';
import { createSandboxConnector, TEST_CARDS, TEST_IBANS, type SandboxConnector } from '../../connectors/sandbox/index.js';

let h: Harness;
let sandbox: SandboxConnector;

beforeEach(async () => {
  h = await createHarness({
    newConnector: (env) => {
      sandbox = createSandboxConnector(env);
      return sandbox;
    },
  });
});
afterEach(() => h.close());

const card = (number: string) => ({ type: 'card' as const, card: { number, exp_month: 12, exp_year: 2031 } });
const account = (iban: string, name = 'Max Mustermann') => ({ type: 'bank_account' as const, bank_account: { iban, name } });
const flowsOf = async (id: string) => (await h.store.listCommands(id)).filter((c) => c.kind === 'bank').map((c) => c.name);

describe('the simulator test values through the engine and the sandbox connector', () => {
  const cases: { name: string; method: ReturnType<typeof card> | ReturnType<typeof account>; status: string; code?: string }[] = [
    { name: 'any other Luhn-valid card is approved', method: card(TEST_CARDS.approved), status: 'succeeded' },
    { name: '...0002 is declined 05 at verification', method: card(TEST_CARDS.declinedDoNotHonour), status: 'failed', code: '05' },
    { name: '...9995 is declined 51 at authorisation', method: card(TEST_CARDS.declinedInsufficientFunds), status: 'failed', code: '51' },
    { name: '...0119 never answered: timeout, reversal, failed', method: card(TEST_CARDS.noReply), status: 'failed', code: 'timeout' },
    { name: '...0259 answers late: reversal, failed', method: card(TEST_CARDS.lateReply), status: 'failed', code: 'timeout' },
    { name: '...0010 bad MAC on the reply: manual review', method: card(TEST_CARDS.badMac), status: 'requires_review', code: 'integrity_failed' },
    { name: 'DE89... with the right name is verified and paid', method: account(TEST_IBANS.verified.iban), status: 'succeeded' },
    { name: 'DE89... with another name is a no-match', method: account(TEST_IBANS.verified.iban, 'Erika Musterfrau'), status: 'failed', code: 'name_mismatch' },
    { name: 'DE0212... is rejected AC01 at transfer', method: account(TEST_IBANS.rejectedAC01), status: 'failed', code: 'AC01' },
    { name: 'DE0210... is rejected AM04 at transfer', method: account(TEST_IBANS.rejectedAM04), status: 'failed', code: 'AM04' },
    { name: 'DE91... is pending, then accepted by a later status', method: account(TEST_IBANS.pendingThenAccepted), status: 'succeeded' },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const created = await h.pay({ payment_method: c.method });
      expect(created.status).toBe('processing');
      const p = await h.settle(created.id);
      await h.advance(10_000); // late replies land; nothing may change a final answer wrongly
      const final = await h.store.getPayment(p.id);
      expect(final?.status).toBe(c.status);
      if (c.code) expect(final?.snapshot.context.failure).toMatchObject({ code: c.code });
    });
  }

  it('the no-reply card is reversed; the reversal finds nothing, so it is resent under its reference a bounded number of times, then failed', async () => {
    const p = await h.settle((await h.pay({ payment_method: card(TEST_CARDS.noReply) })).id);
    expect(p.status).toBe('failed');
    expect(await flowsOf(p.id)).toEqual(['verify', ...Array.from({ length: 3 }, () => ['authorize', 'reverse']).flat()]);
    const auths = (await h.store.listCommands(p.id)).filter((c) => c.name === 'authorize');
    expect(new Set(auths.map((c) => c.reference)).size).toBe(1);
    // no authorisation was ever executed; each reversal found nothing to undo
    expect(sandbox.bank.entries(p.id).map((e) => e.flow)).toEqual(['verify', 'reverse', 'reverse', 'reverse']);
  });

  it('the late approval is reversed and nothing stays authorised at the bank', async () => {
    const p = await h.settle((await h.pay({ payment_method: card(TEST_CARDS.lateReply) })).id);
    await h.advance(10_000);
    const auth = sandbox.bank.entries(p.id).find((e) => e.flow === 'authorize');
    expect(auth?.outcome.kind).toBe('ok');
    expect(auth?.reversed).toBe(true);
    const history = await h.store.listHistory(p.id);
    expect(history.some((r) => JSON.stringify(r.data).includes('"late":true'))).toBe(true);
  });

  it('a pending transfer shows processing until the bank settles it', async () => {
    const id = (await h.pay({ payment_method: account(TEST_IBANS.pendingThenAccepted) })).id;
    await h.engine.drain();
    const code = h.notifier.latestOtp(id);
    expect(code).toMatch(/^\d{6}$/);
    const { Secret } = await import('../../src/domain/secret.js');
    await h.engine.payments.confirm(h.merchant, id, new Secret(code ?? ''));
    await h.engine.drain();
    const mid = await h.store.getPayment(id);
    expect(mid?.state).toBe('transfer_pending');
    expect(mid?.status).toBe('processing');
    expect((await h.settle(id)).status).toBe('succeeded');
  });
});

describe('crash recovery: a command in flight when its process died', () => {
  /** Claims every pending command as a process that then dies without sending anything. */
  const dieHolding = async () =>
    h.store.transaction((tx) => tx.claimCommands({ now: h.clock.now(), limit: 100, owner: 'dead-node', leaseMs: 5_000 }));

  const confirmNone = (method: ReturnType<typeof card> | ReturnType<typeof account>) => h.pay({ payment_method: method, confirmation: 'none' });

  it('an authorisation lost in flight is reversed, never resent blindly; the reversal finds nothing, so it goes again under its reference and succeeds', async () => {
    const id = (await confirmNone(card(TEST_CARDS.approved))).id;
    await h.engine.outbox.tick();
    await h.engine.outbox.quiet(); // verify answered; authorize now waits in the outbox
    const held = await dieHolding();
    expect(held.map((c) => c.name)).toEqual(['authorize']);
    await h.clock.advance(h.engine.outbox.leaseMs + 1);
    const p = await h.settle(id);
    // the same ending as without the crash
    expect(p.status).toBe('succeeded');
    expect(await flowsOf(id)).toEqual(['verify', 'authorize', 'reverse', 'authorize', 'transfer']);
    const auths = (await h.store.listCommands(id)).filter((c) => c.name === 'authorize');
    expect(auths.map((c) => c.status)).toEqual(['lost', 'done']);
    expect(auths[1]?.reference).toBe(auths[0]?.reference);
    // the dead process never sent it; the bank executed the resend once
    expect(sandbox.bank.entries(id).filter((e) => e.flow === 'authorize').map((e) => e.reference)).toEqual([auths[0]?.reference]);
  });

  it('a transfer lost in flight is inquired; never received, it is sent again under its reference and ends as without the crash', async () => {
    const id = (await confirmNone(account(TEST_IBANS.verified.iban))).id;
    await h.engine.outbox.tick();
    await h.engine.outbox.quiet();
    expect((await dieHolding()).map((c) => c.name)).toEqual(['transfer']);
    await h.clock.advance(h.engine.outbox.leaseMs + 1);
    const p = await h.settle(id);
    expect(await flowsOf(id)).toEqual(['verify', 'transfer', 'inquire', 'transfer']);
    // the same ending as without the crash, the money moved once, under the lost request's reference
    expect(p.status).toBe('succeeded');
    const transfers = (await h.store.listCommands(id)).filter((c) => c.name === 'transfer');
    expect(transfers.map((c) => c.status)).toEqual(['lost', 'done']);
    expect(transfers[1]?.reference).toBe(transfers[0]?.reference);
    expect(transfers[1]?.spec).toMatchObject({ repeat: true, reference: transfers[0]?.reference });
    const executed = sandbox.bank.entries(id).filter((e) => e.flow === 'transfer');
    expect(executed.map((e) => e.reference)).toEqual([transfers[0]?.reference]);
  });

  it('a notification lost in flight is simply sent again', async () => {
    const id = (await h.pay({ payment_method: card(TEST_CARDS.approved) })).id;
    await h.engine.outbox.tick();
    await h.engine.outbox.quiet();
    expect((await dieHolding()).map((c) => c.name)).toEqual(['otp']);
    await h.clock.advance(h.engine.outbox.leaseMs + 1);
    await h.engine.drain();
    expect(h.notifier.latestOtp(id)).toMatch(/^\d{6}$/);
  });
});
