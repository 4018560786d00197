import { TEST_IBANS } from '../../src/connector/test-values.js';
import type { TxStatusCode } from './ledger.js';

/**
 * What the simulated bank does with one credit transfer: the IBAN test values of
 * src/connector/test-values.ts (mocks/README.md), on the debtor or the creditor account, so the
 * batch rail behaves like every other simulator. Pure, so the table is read in one place.
 */
export interface Decision {
  status: TxStatusCode;
  reason?: string;
}

export function decideTransaction(tx: { debtorIban?: string; creditorIban?: string; currency: string }, accountCurrency: string): Decision {
  const ibans = [tx.debtorIban, tx.creditorIban];
  if (ibans.includes(TEST_IBANS.rejectedAC01)) return { status: 'RJCT', reason: 'AC01' };
  if (ibans.includes(TEST_IBANS.rejectedAM04)) return { status: 'RJCT', reason: 'AM04' };
  // The account keeps one currency; booking another would make its balances meaningless.
  if (tx.currency !== accountCurrency) return { status: 'RJCT', reason: 'AM03' };
  if (ibans.includes(TEST_IBANS.pendingThenAccepted)) return { status: 'PDNG' };
  return { status: 'ACSC' };
}

/** Seen from the customer's account: money in when it is the creditor, out otherwise (it ordered the transfer). */
export const directionFor = (creditorIban: string | undefined, accountIban: string): 'CRDT' | 'DBIT' =>
  creditorIban === accountIban ? 'CRDT' : 'DBIT';
