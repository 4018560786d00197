import { agent, codeOrPrtry, dateOrDateTime, genericId, orEmpty, party, remittance } from '../common/write.js';
import type { Agent, Party } from '../common/types.js';
import { amountEl } from '../money.js';
import { el, leaf, leaves, optEl, repeated, serializeDocument, type XmlChild, type XmlElement } from '../xml/writer.js';
import type {
  CamtAccount,
  CamtBalance,
  CamtBankTransactionCode,
  CamtDocument,
  CamtEntry,
  CamtReport,
  CamtTransactionDetails,
} from './model.js';

/**
 * Writer for the 2019 generation of bank-to-customer reports: camt.053.001.08 (statement) and
 * camt.054.001.08 (debit/credit notification). It writes exactly the elements the version-tolerant
 * reader of `parse.ts` reads, in XSD sequence order, so `parse(build(m))` gives `m` back. Its
 * main users are simulators and tests that need a bank's statement; Railyard itself only reads them.
 */

export const CAMT053V08 = 'camt.053.001.08';
export const CAMT054V08 = 'camt.054.001.08';

/** Top element, report element and its free-text element per message (they differ only by name). */
const SHAPES = {
  '053': { root: 'BkToCstmrStmt', report: 'Stmt', info: 'AddtlStmtInf', type: CAMT053V08, balances: true },
  // AccountNotification17 has no Bal element: a notification reports movements, not positions.
  '054': { root: 'BkToCstmrDbtCdtNtfctn', report: 'Ntfctn', info: 'AddtlNtfctnInf', type: CAMT054V08, balances: false },
} as const;
type Shape = (typeof SHAPES)[keyof typeof SHAPES];

const bool = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** CashAccount39 (the reported account: may name owner and servicer). */
function reportAccount(name: string, a: CamtAccount | undefined): XmlElement {
  const x = a ?? {};
  return el(
    name,
    optEl('Id', x.iban !== undefined ? leaf('IBAN', x.iban) : genericId('Othr', x.other)),
    codeOrPrtry('Tp', x.type),
    leaf('Ccy', x.currency),
    leaf('Nm', x.name),
    party('Ownr', x.owner),
    agent('Svcr', x.servicer),
  );
}

/** CashAccount38 (a counterparty's account in TxDtls: no owner or servicer in the schema). */
function counterpartyAccount(name: string, a: CamtAccount | undefined): XmlChild {
  if (!a) return undefined;
  return el(
    name,
    optEl('Id', a.iban !== undefined ? leaf('IBAN', a.iban) : genericId('Othr', a.other)),
    codeOrPrtry('Tp', a.type),
    leaf('Ccy', a.currency),
    leaf('Nm', a.name),
  );
}

/** Party40Choice: a party (`Pty`) or, when only the institution is known, an agent (`Agt`). */
function relatedParty(name: string, p: Party | undefined, institution?: Agent): XmlChild {
  if (p) return el(name, party('Pty', p));
  if (institution) return el(name, agent('Agt', institution));
  return undefined;
}

function bankTransactionCode(name: string, c: CamtBankTransactionCode | undefined): XmlChild {
  if (!c) return undefined;
  return el(
    name,
    c.domain ? el('Domn', leaf('Cd', c.domain.code), el('Fmly', leaf('Cd', c.domain.family.code), leaf('SubFmlyCd', c.domain.family.subFamilyCode))) : undefined,
    c.proprietary ? el('Prtry', leaf('Cd', c.proprietary.code), leaf('Issr', c.proprietary.issuer)) : undefined,
  );
}

function balance(b: CamtBalance, path: string): XmlElement {
  return el(
    'Bal',
    el('Tp', codeOrPrtry('CdOrPrtry', b.type) ?? el('CdOrPrtry'), codeOrPrtry('SubTp', b.subType)),
    amountEl('Amt', b.amount, path),
    leaf('CdtDbtInd', b.creditDebit),
    dateOrDateTime('Dt', b.date) ?? el('Dt'),
  );
}

function transaction(t: CamtTransactionDetails, path: string): XmlElement {
  const r = t.references;
  const hasReturn = t.returnReason !== undefined || (t.returnAdditionalInformation ?? []).length > 0;
  return el(
    'TxDtls',
    r
      ? el(
          'Refs',
          leaf('MsgId', r.messageId),
          leaf('AcctSvcrRef', r.accountServicerReference),
          leaf('PmtInfId', r.paymentInformationId),
          leaf('InstrId', r.instructionId),
          leaf('EndToEndId', r.endToEndId),
          leaf('UETR', r.uetr),
          leaf('TxId', r.transactionId),
          leaf('MndtId', r.mandateId),
          leaf('ChqNb', r.chequeNumber),
          leaf('ClrSysRef', r.clearingSystemReference),
        )
      : undefined,
    amountEl('Amt', t.amount, path),
    leaf('CdtDbtInd', t.creditDebit),
    t.instructedAmount ? el('AmtDtls', el('InstdAmt', amountEl('Amt', t.instructedAmount, `${path}/AmtDtls/InstdAmt`))) : undefined,
    bankTransactionCode('BkTxCd', t.bankTransactionCode),
    optEl(
      'RltdPties',
      relatedParty('Dbtr', t.debtor, t.debtorInstitution),
      counterpartyAccount('DbtrAcct', t.debtorAccount),
      relatedParty('UltmtDbtr', t.ultimateDebtor),
      relatedParty('Cdtr', t.creditor, t.creditorInstitution),
      counterpartyAccount('CdtrAcct', t.creditorAccount),
      relatedParty('UltmtCdtr', t.ultimateCreditor),
    ),
    optEl('RltdAgts', agent('DbtrAgt', t.debtorAgent), agent('CdtrAgt', t.creditorAgent)),
    codeOrPrtry('Purp', t.purpose),
    remittance('RmtInf', t.remittanceInformation),
    hasReturn ? el('RtrInf', codeOrPrtry('Rsn', t.returnReason), leaves('AddtlInf', t.returnAdditionalInformation)) : undefined,
    leaf('AddtlTxInf', t.additionalTransactionInformation),
  );
}

type Batch = NonNullable<CamtEntry['batches']>[number];

/**
 * The model flattens NtryDtls into one list of batches and one of transactions. Each batch gets
 * its own NtryDtls (the schema allows one Btch per NtryDtls); a transaction joins the first batch
 * from the current one on whose PmtInfId it names, else stays with the current one, which keeps
 * file order (and so the round trip) while still putting a batch's transactions under it.
 */
function groupDetails(batches: readonly Batch[], txs: readonly CamtTransactionDetails[]): Array<{ batch?: Batch; txs: CamtTransactionDetails[] }> {
  if (batches.length === 0) return txs.length > 0 ? [{ txs: [...txs] }] : [];
  const groups = batches.map((batch) => ({ batch, txs: [] as CamtTransactionDetails[] }));
  let current = 0;
  for (const t of txs) {
    const id = t.references?.paymentInformationId;
    if (id !== undefined) {
      const k = batches.findIndex((b, i) => i >= current && b.paymentInformationId === id);
      if (k >= 0) current = k;
    }
    groups[current]?.txs.push(t);
  }
  return groups;
}

function entry(n: CamtEntry, path: string): XmlElement {
  // Entry status codes are at most 4 characters; anything longer can only be proprietary.
  const status = n.status.length >= 1 && n.status.length <= 4 ? leaf('Cd', n.status) : leaf('Prtry', n.status);
  let txIndex = 0;
  return el(
    'Ntry',
    leaf('NtryRef', n.entryReference),
    amountEl('Amt', n.amount, path),
    leaf('CdtDbtInd', n.creditDebit),
    leaf('RvslInd', bool(n.reversal)),
    el('Sts', status),
    dateOrDateTime('BookgDt', n.bookingDate),
    dateOrDateTime('ValDt', n.valueDate),
    leaf('AcctSvcrRef', n.accountServicerReference),
    // BkTxCd is mandatory in v8 but both of its parts are optional: an empty one says "no code".
    bankTransactionCode('BkTxCd', n.bankTransactionCode) ?? el('BkTxCd'),
    groupDetails(n.batches ?? [], n.transactions ?? []).map((g) =>
      el(
        'NtryDtls',
        g.batch
          ? optEl(
              'Btch',
              leaf('MsgId', g.batch.messageId),
              leaf('PmtInfId', g.batch.paymentInformationId),
              leaf('NbOfTxs', g.batch.numberOfTransactions),
              amountEl('TtlAmt', g.batch.totalAmount, `${path}/NtryDtls/Btch`),
            ) ?? el('Btch')
          : undefined,
        g.txs.map((t) => transaction(t, `${path}/NtryDtls/TxDtls[${++txIndex}]`)),
      ),
    ),
    leaf('AddtlNtryInf', n.additionalEntryInformation),
  );
}

function summary(s: CamtReport['summary']): XmlChild {
  if (!s) return undefined;
  const part = (name: string, p: { count?: string; sum?: string } | undefined) =>
    p ? el(name, leaf('NbOfNtries', p.count), leaf('Sum', p.sum)) : undefined;
  return el('TxsSummry', part('TtlNtries', s.entries), part('TtlCdtNtries', s.credits), part('TtlDbtNtries', s.debits));
}

function report(shape: Shape, s: CamtReport, path: string): XmlElement {
  const fr = s.fromToDate;
  const entries = s.entries ?? [];
  return el(
    shape.report,
    leaf('Id', s.id),
    leaf('ElctrncSeqNb', s.electronicSequenceNumber),
    leaf('LglSeqNb', s.legalSequenceNumber),
    leaf('CreDtTm', s.creationDateTime),
    // Both ends are mandatory inside FrToDt; a half-given period is left to the XSD gate to name.
    fr ? el('FrToDt', leaf('FrDtTm', fr.from), leaf('ToDtTm', fr.to)) : undefined,
    leaf('CpyDplctInd', s.copyDuplicate),
    reportAccount('Acct', s.account),
    shape.balances ? (s.balances ?? []).map((b, i) => balance(b, `${path}/Bal[${i + 1}]`)) : undefined,
    summary(s.summary),
    repeated('Ntry', entries.length, (i) => entry(entries[i] as CamtEntry, `${path}/Ntry[${i + 1}]`)),
    leaf(shape.info, s.additionalInformation),
  );
}

function serializeCamt(shape: Shape, m: CamtDocument): string {
  const g = orEmpty(m.groupHeader);
  const pg = g.pagination;
  const root = `Document/${shape.root}/${shape.report}`;
  const reports = m.reports ?? [];
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${shape.type}`,
    el(
      shape.root,
      el(
        'GrpHdr',
        leaf('MsgId', g.messageId),
        leaf('CreDtTm', g.creationDateTime),
        party('MsgRcpt', g.recipient),
        pg ? el('MsgPgntn', leaf('PgNb', pg.pageNumber), leaf('LastPgInd', String(pg.lastPage))) : undefined,
        leaf('AddtlInf', g.additionalInformation),
      ),
      reports.map((s, i) => report(shape, s, reports.length > 1 ? `${root}[${i + 1}]` : root)),
    ),
  );
}

/** camt.053.001.08 BankToCustomerStatementV08. */
export const serializeCamt053v08 = (m: CamtDocument): string => serializeCamt(SHAPES['053'], m);

/** camt.054.001.08 BankToCustomerDebitCreditNotificationV08 (balances in the model are not written: v8 has none). */
export const serializeCamt054v08 = (m: CamtDocument): string => serializeCamt(SHAPES['054'], m);
