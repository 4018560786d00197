import { minorToDecimal } from '../../src/domain/money.js';
import type { CamtDocument, CamtEntry, CamtTransactionDetails } from '../../src/iso20022/camt/model.js';
import type { Posting, TxRecord } from './ledger.js';

/**
 * The end-of-day camt.053.001.08 model: one entry per posting, each with one TxDtls carrying the
 * references a reconciliation matches on (EndToEndId, PmtInfId, MsgId, UETR, AcctSvcrRef), and
 * OPBD/CLBD balances where closing = opening + credits - debits.
 */

export interface StatementAccount {
  iban: string;
  currency: string;
  bic: string;
  name: string;
}

export interface StatementInput {
  account: StatementAccount;
  seq: number;
  date: string;
  now: number;
  /** Signed minor units (negative: overdrawn). */
  opening: number;
  postings: ReadonlyArray<{ posting: Posting; tx: TxRecord | undefined }>;
}

const signed = (p: Posting): number => (p.direction === 'CRDT' ? p.amount : -p.amount);

export const closingOf = (opening: number, postings: readonly Posting[]): number => postings.reduce((sum, p) => sum + signed(p), opening);

function details(posting: Posting, tx: TxRecord | undefined, account: StatementAccount): CamtTransactionDetails {
  const holder = { party: { name: account.name }, account: { iban: account.iban } };
  const other = { party: tx?.counterparty.name !== undefined ? { name: tx.counterparty.name } : undefined, account: tx?.counterparty.iban !== undefined ? { iban: tx.counterparty.iban } : undefined };
  // Parties as in the original transfer: a return moves money back but names the same debtor and creditor.
  const [debtor, creditor] = tx?.direction === 'CRDT' ? [other, holder] : [holder, other];
  return {
    references: {
      ...(tx ? { messageId: tx.messageId, paymentInformationId: tx.paymentInformationId } : {}),
      accountServicerReference: posting.id,
      ...(tx?.instructionId !== undefined ? { instructionId: tx.instructionId } : {}),
      endToEndId: posting.endToEndId,
      ...(tx?.uetr !== undefined ? { uetr: tx.uetr } : {}),
    },
    amount: { amount: posting.amount, currency: posting.currency },
    creditDebit: posting.direction,
    ...(debtor.party ? { debtor: debtor.party } : {}),
    ...(debtor.account ? { debtorAccount: debtor.account } : {}),
    ...(creditor.party ? { creditor: creditor.party } : {}),
    ...(creditor.account ? { creditorAccount: creditor.account } : {}),
    ...(posting.kind === 'return' ? { returnReason: { code: posting.reason ?? 'AC04' } } : {}),
  };
}

function entry(posting: Posting, tx: TxRecord | undefined, account: StatementAccount): CamtEntry {
  // ISO bank transaction codes: issued (ICDT) or received (RCDT) credit transfer; RRTN marks the return.
  const family = (tx?.direction ?? posting.direction) === 'DBIT' ? 'ICDT' : 'RCDT';
  return {
    amount: { amount: posting.amount, currency: posting.currency },
    creditDebit: posting.direction,
    status: 'BOOK',
    bookingDate: { date: posting.bookingDate },
    valueDate: { date: posting.bookingDate },
    accountServicerReference: posting.id,
    bankTransactionCode: { domain: { code: 'PMNT', family: { code: family, subFamilyCode: posting.kind === 'return' ? 'RRTN' : 'ESCT' } } },
    transactions: [details(posting, tx, account)],
  };
}

const balance = (code: 'OPBD' | 'CLBD', value: number, currency: string, date: string) => ({
  type: { code },
  amount: { amount: Math.abs(value), currency },
  creditDebit: value < 0 ? 'DBIT' : 'CRDT',
  date: { date },
});

export function statementModel(input: StatementInput): CamtDocument {
  const { account, seq, date, now, opening } = input;
  const ccy = account.currency;
  const postings = input.postings.map((p) => p.posting);
  const closing = closingOf(opening, postings);
  const credits = postings.filter((p) => p.direction === 'CRDT');
  const debits = postings.filter((p) => p.direction === 'DBIT');
  const total = (list: readonly Posting[]) => minorToDecimal(list.reduce((s, p) => s + p.amount, 0), ccy);
  const id = `STMT${date.replace(/-/g, '')}${String(seq).padStart(6, '0')}`;
  return {
    groupHeader: { messageId: id, creationDateTime: new Date(now).toISOString() },
    reports: [
      {
        id,
        electronicSequenceNumber: String(seq),
        legalSequenceNumber: String(seq),
        creationDateTime: new Date(now).toISOString(),
        account: { iban: account.iban, currency: ccy, owner: { name: account.name }, servicer: { bicfi: account.bic } },
        balances: [balance('OPBD', opening, ccy, date), balance('CLBD', closing, ccy, date)],
        summary: {
          entries: { count: String(postings.length), sum: total(postings) },
          credits: { count: String(credits.length), sum: total(credits) },
          debits: { count: String(debits.length), sum: total(debits) },
        },
        entries: input.postings.map((p) => entry(p.posting, p.tx, account)),
      },
    ],
  };
}
