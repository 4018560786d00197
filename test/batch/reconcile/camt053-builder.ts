import { minorToDecimal } from '../../../src/domain/money.js';
import { streamCamt053, type Camt053StreamEvent } from '../../../src/iso20022/camt053/stream.js';
import type { ExpectedPayment } from '../../../src/batch/reconcile/index.js';

/** Crafted camt.053.001.08 statements for the reconciliation tests. */

export interface TxSpec {
  endToEndId?: string;
  uetr?: string;
  paymentInformationId?: string;
  messageId?: string;
  accountServicerReference?: string;
  amount?: number;
  currency?: string;
  creditDebit?: 'CRDT' | 'DBIT';
  instructed?: { amount: number; currency: string };
  unstructured?: string;
  returnReason?: string;
}

export interface EntrySpec {
  ref?: string;
  accountServicerReference?: string;
  amount: number;
  currency?: string;
  creditDebit?: 'CRDT' | 'DBIT';
  status?: 'BOOK' | 'PDNG' | 'INFO';
  reversal?: boolean;
  bookingDate?: string;
  subFamily?: string;
  batch?: { paymentInformationId?: string; messageId?: string; numberOfTransactions?: number };
  txs?: TxSpec[];
  additionalInfo?: string;
}

export interface StatementSpec {
  id?: string;
  iban?: string;
  currency?: string;
  opening?: number;
  /** Default: opening plus the booked movements (no drift). */
  closing?: number;
  entries: EntrySpec[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const amt = (tag: string, minor: number, ccy: string): string => `<${tag} Ccy="${ccy}">${minorToDecimal(minor, ccy)}</${tag}>`;

function balance(code: string, signedMinor: number, ccy: string): string {
  const cd = signedMinor < 0 ? 'DBIT' : 'CRDT';
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${amt('Amt', Math.abs(signedMinor), ccy)}<CdtDbtInd>${cd}</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>`;
}

function tx(t: TxSpec, ccy: string): string {
  const refs = [
    t.messageId ? `<MsgId>${esc(t.messageId)}</MsgId>` : '',
    t.accountServicerReference ? `<AcctSvcrRef>${esc(t.accountServicerReference)}</AcctSvcrRef>` : '',
    t.paymentInformationId ? `<PmtInfId>${esc(t.paymentInformationId)}</PmtInfId>` : '',
    t.endToEndId ? `<EndToEndId>${esc(t.endToEndId)}</EndToEndId>` : '',
    t.uetr ? `<UETR>${t.uetr}</UETR>` : '',
  ].join('');
  return (
    '<TxDtls>' +
    (refs ? `<Refs>${refs}</Refs>` : '') +
    (t.amount !== undefined ? amt('Amt', t.amount, t.currency ?? ccy) : '') +
    (t.creditDebit ? `<CdtDbtInd>${t.creditDebit}</CdtDbtInd>` : '') +
    (t.instructed ? `<AmtDtls><InstdAmt>${amt('Amt', t.instructed.amount, t.instructed.currency)}</InstdAmt></AmtDtls>` : '') +
    (t.unstructured ? `<RmtInf><Ustrd>${esc(t.unstructured)}</Ustrd></RmtInf>` : '') +
    (t.returnReason ? `<RtrInf><Rsn><Cd>${t.returnReason}</Cd></Rsn></RtrInf>` : '') +
    '</TxDtls>'
  );
}

function entry(e: EntrySpec, ccy: string): string {
  const c = e.currency ?? ccy;
  const batch = e.batch
    ? `<Btch>${e.batch.messageId ? `<MsgId>${e.batch.messageId}</MsgId>` : ''}${e.batch.paymentInformationId ? `<PmtInfId>${e.batch.paymentInformationId}</PmtInfId>` : ''}${e.batch.numberOfTransactions !== undefined ? `<NbOfTxs>${e.batch.numberOfTransactions}</NbOfTxs>` : ''}</Btch>`
    : '';
  const txs = (e.txs ?? []).map((t) => tx(t, c)).join('');
  const details = batch || txs ? `<NtryDtls>${batch}${txs}</NtryDtls>` : '';
  const sub = e.subFamily ?? 'ESCT';
  return (
    '<Ntry>' +
    (e.ref ? `<NtryRef>${esc(e.ref)}</NtryRef>` : '') +
    amt('Amt', e.amount, c) +
    `<CdtDbtInd>${e.creditDebit ?? 'CRDT'}</CdtDbtInd>` +
    (e.reversal !== undefined ? `<RvslInd>${e.reversal}</RvslInd>` : '') +
    `<Sts><Cd>${e.status ?? 'BOOK'}</Cd></Sts>` +
    `<BookgDt><Dt>${e.bookingDate ?? '2026-11-27'}</Dt></BookgDt><ValDt><Dt>${e.bookingDate ?? '2026-11-27'}</Dt></ValDt>` +
    (e.accountServicerReference ? `<AcctSvcrRef>${esc(e.accountServicerReference)}</AcctSvcrRef>` : '') +
    `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>${sub}</SubFmlyCd></Fmly></Domn></BkTxCd>` +
    details +
    (e.additionalInfo ? `<AddtlNtryInf>${esc(e.additionalInfo)}</AddtlNtryInf>` : '') +
    '</Ntry>'
  );
}

function statement(s: StatementSpec, n: number): string {
  const ccy = s.currency ?? 'EUR';
  const opening = s.opening ?? 100_000;
  let moved = 0;
  for (const e of s.entries) if ((e.status ?? 'BOOK') === 'BOOK') moved += (e.creditDebit === 'DBIT' ? -1 : 1) * e.amount;
  const closing = s.closing ?? opening + moved;
  return (
    `<Stmt><Id>${s.id ?? `STMT-${n}`}</Id><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm>` +
    `<FrToDt><FrDtTm>2026-11-27T00:00:00+01:00</FrDtTm><ToDtTm>2026-11-27T23:59:59+01:00</ToDtTm></FrToDt>` +
    `<Acct><Id><IBAN>${s.iban ?? 'DE89370400440532013000'}</IBAN></Id><Ccy>${ccy}</Ccy></Acct>` +
    balance('OPBD', opening, ccy) +
    balance('CLBD', closing, ccy) +
    s.entries.map((e) => entry(e, ccy)).join('\n') +
    '</Stmt>'
  );
}

export function camt053(spec: StatementSpec | StatementSpec[]): string {
  const list = Array.isArray(spec) ? spec : [spec];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>' +
    '<GrpHdr><MsgId>TEST-CAMT053</MsgId><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm></GrpHdr>' +
    list.map((s, i) => statement(s, i + 1)).join('\n') +
    '</BkToCstmrStmt></Document>\n'
  );
}

/** The statement as the stream reader sees a file: in uneven chunks. */
export function events(xml: string): AsyncIterable<Camt053StreamEvent> {
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < xml.length; i += 777) yield xml.slice(i, i + 777);
  }
  return streamCamt053(chunks());
}

export function payment(over: Partial<ExpectedPayment> & { paymentId: string }): ExpectedPayment {
  return {
    endToEndId: `E2E-${over.paymentId}`,
    paymentInformationId: 'PMTINF-1',
    messageId: 'MSG-1',
    amount: 1000,
    currency: 'EUR',
    direction: 'credit',
    executionDate: '2026-11-26',
    settlement: 'batched',
    bankStatus: 'none',
    ...over,
  };
}

/** Weekdays after `from` up to and including `to`. */
export function weekdaysBetween(from: string, to: string): number {
  let n = 0;
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (d < end) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

export const BASE = { asOf: '2026-11-27', missingAfterBusinessDays: 2, businessDaysBetween: weekdaysBetween };
