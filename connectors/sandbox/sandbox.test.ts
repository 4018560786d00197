import { runConnectorConformance } from '../../src/connector/testing.js';
import { createSandboxConnector, TEST_CARDS, TEST_IBANS } from './index.js';

const bankFor = (method: 'card' | 'bank_account') => (c: ReturnType<typeof createSandboxConnector>) => ({
  currency: 'EUR',
  methods:
    method === 'card'
      ? {
          approved: { type: 'card' as const, card: { number: TEST_CARDS.approved, exp_month: 12, exp_year: 2030 } },
          declinedAtVerify: { type: 'card' as const, card: { number: TEST_CARDS.declinedDoNotHonour, exp_month: 12, exp_year: 2030 } },
          declinedAtTransfer: { type: 'card' as const, card: { number: TEST_CARDS.declinedInsufficientFunds, exp_month: 12, exp_year: 2030 } },
        }
      : {
          approved: { type: 'bank_account' as const, bank_account: { iban: TEST_IBANS.verified.iban, name: TEST_IBANS.verified.name } },
          declinedAtVerify: { type: 'bank_account' as const, bank_account: { iban: TEST_IBANS.verified.iban, name: 'Erika Musterfrau' } },
          declinedAtTransfer: { type: 'bank_account' as const, bank_account: { iban: TEST_IBANS.rejectedAC01, name: 'Hans Test' } },
        },
  inject: c.bank.inject.bind(c.bank),
  executed: (paymentId: string) =>
    c.bank.entries(paymentId).map((e) => ({ flow: e.flow, reference: e.reference, ok: e.outcome.kind === 'ok', reversed: e.reversed, received: c.bank.received.get(e.reference) ?? 0 })),
});

// Cards reverse unknown outcomes (no inquiry); bank accounts inquire (and are never reversed).
const cardSkips = [{ reason: 'sandbox cards have no status inquiry: unknown outcomes are reversed', tests: ['bad integrity at inquiry' as const] }];
const accountSkips = [{ reason: 'sandbox bank accounts inquire about unknown outcomes instead of reversing them', tests: ['bad integrity at reverse' as const] }];

runConnectorConformance({ name: 'sandbox (cards)', newConnector: createSandboxConnector, bank: bankFor('card'), skip: cardSkips });
runConnectorConformance({ name: 'sandbox (bank accounts)', newConnector: createSandboxConnector, bank: bankFor('bank_account'), skip: accountSkips });

// The same suite on real time, as network connectors run it: proves the kit's real-time mode.
runConnectorConformance({
  name: 'sandbox (cards, real time)',
  newConnector: createSandboxConnector,
  bank: bankFor('card'),
  skip: cardSkips,
  realTime: true,
  settings: { callTimeoutMs: 300, lateByMs: 100, settleAfterMs: 300 },
  policy: { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 100 },
});
