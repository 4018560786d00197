import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../src/connector/harness.js';
import { createSandboxConnector, TEST_IBANS } from '../../connectors/sandbox/index.js';

/**
 * Late replies and pushes pass the same normalisation as flow answers: one that failed its MAC
 * or signature check is not the bank's word, so it changes nothing (the engine keeps waiting,
 * inquiring or reversing); a trusted one is applied as before.
 */
describe('bank reports that failed their integrity check', () => {
  let h: Harness;
  afterEach(() => h.close());

  const pendingPayment = async () => {
    h = await createHarness({ newConnector: createSandboxConnector, settings: { settleAfterMs: 3_600_000 } });
    const p = await h.pay({ confirmation: 'none', payment_method: { type: 'bank_account', bank_account: { iban: TEST_IBANS.pendingThenAccepted, name: 'Hans Test' } } });
    await h.engine.drain();
    const transfer = (await h.store.listCommands(p.id)).find((c) => c.name === 'transfer');
    if (!transfer) throw new Error('no transfer sent');
    expect((await h.store.getPayment(p.id))?.state).toBe('transfer_pending');
    return { id: p.id, reference: transfer.reference };
  };

  for (const outcome of [
    { kind: 'ok', integrity: 'failed' },
    { kind: 'declined', code: 'AC01', reason: 'Incorrect account number', integrity: 'failed' },
  ] as const) {
    it(`a pushed ${outcome.kind} with a failed signature is ignored, never applied`, async () => {
      const { id, reference } = await pendingPayment();
      const applied = await h.engine.report('sandbox', { flow: 'transfer', reference, outcome });
      expect(applied).toBeNull();
      expect((await h.store.getPayment(id))?.state).toBe('transfer_pending');
      // the same push, trusted, is the bank's word
      await h.engine.report('sandbox', { flow: 'transfer', reference, outcome: { ...outcome, integrity: 'verified' } });
      expect((await h.store.getPayment(id))?.status).toBe(outcome.kind === 'ok' ? 'succeeded' : 'failed');
    });
  }
});
