import { TEST_IBANS } from '../../src/connector/test-values.js';

/**
 * The simulated bank's customers: the IBAN test values of ARCHITECTURE.md (mocks/README.md).
 * Pure decisions, so the rules are read in one place and tested without a server.
 */

export const BANK_TEST_IBANS = {
  ...TEST_IBANS,
  /** Simulator only: the account's bank cannot be asked, verification is not possible. */
  verificationNotPossible: 'FR1420041010050500013M02606',
} as const;

/** acmt.024 reason codes as the EPC Verification of Payee scheme uses them. */
export type NameCheck = { result: 'MTCH' } | { result: 'CMTC'; suggestedName: string } | { result: 'NMTC' } | { result: 'NOAP' };

const norm = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

/** Same letters -> match; a typo or two, or an initial for the first name -> close match. */
export function checkName(iban: string, name: string): NameCheck {
  if (iban === BANK_TEST_IBANS.verificationNotPossible) return { result: 'NOAP' };
  if (iban !== BANK_TEST_IBANS.verified.iban) return { result: 'MTCH' };
  const holder = BANK_TEST_IBANS.verified.name;
  const given = norm(name);
  const want = norm(holder);
  if (given === want) return { result: 'MTCH' };
  const [first = '', ...rest] = name.trim().split(/\s+/);
  const initialOnly = /^[a-z]\.?$/i.test(first) && norm(rest.join('')) === norm('Mustermann') && norm(first)[0] === 'm';
  if (initialOnly || (given.length > 0 && distance(given, want) <= 2)) return { result: 'CMTC', suggestedName: holder };
  return { result: 'NMTC' };
}

/** What a credit transfer from this debtor account does when it arrives. */
export type TransferDecision = { status: 'ACSC' } | { status: 'PDNG' } | { status: 'RJCT'; reason: string };

export function decideTransfer(debtorIban: string | undefined): TransferDecision {
  if (debtorIban === BANK_TEST_IBANS.rejectedAC01) return { status: 'RJCT', reason: 'AC01' };
  if (debtorIban === BANK_TEST_IBANS.rejectedAM04) return { status: 'RJCT', reason: 'AM04' };
  if (debtorIban === BANK_TEST_IBANS.pendingThenAccepted) return { status: 'PDNG' };
  return { status: 'ACSC' };
}
