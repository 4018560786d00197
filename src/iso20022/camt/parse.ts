import * as r from '../common/read.js';
import type { Party } from '../common/types.js';
import type { Reader } from '../xml/reader.js';
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
 * Version-tolerant readers for camt.052/053/054. Old and new spellings are both accepted
 * (`BIC`/`BICFI`, `Sts` text/`Sts/Cd`, v2 `AmtDtls/TxAmt` vs v4+ `Amt`, v8 `Pty` wrappers), so
 * one reader serves every version a bank still sends.
 */

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

export function camtAccount(x: Reader | undefined): CamtAccount | undefined {
  if (!x) return undefined;
  const id = x.opt('Id');
  const prtry = id?.opt('PrtryAcct');
  return {
    iban: id?.str('IBAN'),
    other: r.genericId(id?.opt('Othr')) ?? (prtry ? { id: prtry.reqStr('Id') } : undefined),
    type: r.codeOrPrtry(x.opt('Tp')),
    currency: x.str('Ccy'),
    name: x.str('Nm'),
    owner: r.party(x.opt('Ownr')),
    servicer: r.agent(x.opt('Svcr')),
  };
}

/** v8 wraps related parties in Party40Choice (`Pty` or `Agt`); older versions do not. */
function relatedParty(x: Reader | undefined): Party | undefined {
  if (!x) return undefined;
  const pty = x.opt('Pty');
  if (pty) return r.party(pty);
  if (x.opt('Agt')) return undefined;
  return r.party(x);
}

function bankTransactionCode(x: Reader | undefined): CamtBankTransactionCode | undefined {
  if (!x) return undefined;
  const d = x.opt('Domn');
  const p = x.opt('Prtry');
  if (!d && !p) return undefined;
  return {
    domain: d
      ? { code: d.reqStr('Cd'), family: { code: d.req('Fmly').reqStr('Cd'), subFamilyCode: d.req('Fmly').reqStr('SubFmlyCd') } }
      : undefined,
    proprietary: p ? { code: p.reqStr('Cd'), issuer: p.str('Issr') } : undefined,
  };
}

function balance(b: Reader): CamtBalance {
  const tp = b.req('Tp');
  const dt = b.req('Dt');
  return {
    type: r.codeOrPrtry(tp.opt('CdOrPrtry') ?? tp) ?? {},
    subType: r.codeOrPrtry(tp.opt('SubTp')),
    amount: b.reqAmount('Amt'),
    creditDebit: b.reqStr('CdtDbtInd'),
    date: r.dateOrDateTime(dt) ?? {},
  };
}

function transactionDetails(t: Reader): CamtTransactionDetails {
  const refs = t.opt('Refs');
  const amtDtls = t.opt('AmtDtls');
  const pties = t.opt('RltdPties');
  const agts = t.opt('RltdAgts');
  const rtr = t.opt('RtrInf');
  return {
    references: refs
      ? {
          messageId: refs.str('MsgId'),
          accountServicerReference: refs.str('AcctSvcrRef'),
          paymentInformationId: refs.str('PmtInfId'),
          instructionId: refs.str('InstrId'),
          endToEndId: refs.str('EndToEndId'),
          uetr: refs.str('UETR'),
          transactionId: refs.str('TxId'),
          mandateId: refs.str('MndtId'),
          chequeNumber: refs.str('ChqNb'),
          clearingSystemReference: refs.str('ClrSysRef'),
        }
      : undefined,
    amount: t.amount('Amt') ?? amtDtls?.opt('TxAmt')?.amount('Amt'),
    creditDebit: t.str('CdtDbtInd'),
    instructedAmount: amtDtls?.opt('InstdAmt')?.amount('Amt'),
    bankTransactionCode: bankTransactionCode(t.opt('BkTxCd')),
    debtor: relatedParty(pties?.opt('Dbtr')),
    debtorInstitution: r.agent(pties?.opt('Dbtr')?.opt('Agt')),
    debtorAccount: camtAccount(pties?.opt('DbtrAcct')),
    ultimateDebtor: relatedParty(pties?.opt('UltmtDbtr')),
    creditor: relatedParty(pties?.opt('Cdtr')),
    creditorInstitution: r.agent(pties?.opt('Cdtr')?.opt('Agt')),
    creditorAccount: camtAccount(pties?.opt('CdtrAcct')),
    ultimateCreditor: relatedParty(pties?.opt('UltmtCdtr')),
    debtorAgent: r.agent(agts?.opt('DbtrAgt')),
    creditorAgent: r.agent(agts?.opt('CdtrAgt')),
    purpose: r.codeOrPrtry(t.opt('Purp')),
    remittanceInformation: r.remittance(t.opt('RmtInf')),
    returnReason: r.codeOrPrtry(rtr?.opt('Rsn')),
    returnAdditionalInformation: rtr?.strs('AddtlInf'),
    additionalTransactionInformation: t.str('AddtlTxInf'),
  };
}

export function entry(n: Reader): CamtEntry {
  const sts = n.req('Sts');
  const stsCode = sts.str('Cd') ?? sts.str('Prtry') ?? sts.text().trim();
  const details = n.all('NtryDtls');
  return {
    entryReference: n.str('NtryRef'),
    amount: n.reqAmount('Amt'),
    creditDebit: n.reqStr('CdtDbtInd'),
    reversal: n.boolean('RvslInd'),
    status: stsCode,
    bookingDate: r.dateOrDateTime(n.opt('BookgDt')),
    valueDate: r.dateOrDateTime(n.opt('ValDt')),
    accountServicerReference: n.str('AcctSvcrRef'),
    bankTransactionCode: bankTransactionCode(n.opt('BkTxCd')),
    batches: nonEmpty(
      details.flatMap((d) =>
        d.all('Btch').map((b) => ({
          messageId: b.str('MsgId'),
          paymentInformationId: b.str('PmtInfId'),
          numberOfTransactions: b.str('NbOfTxs'),
          totalAmount: b.amount('TtlAmt'),
        })),
      ),
    ),
    transactions: details.flatMap((d) => d.all('TxDtls').map(transactionDetails)),
    additionalEntryInformation: n.str('AddtlNtryInf'),
  };
}

const sum = (x: Reader | undefined) => (x ? { count: x.str('NbOfNtries'), sum: x.str('Sum') } : undefined);

/** The report/statement/notification without its entries (the streaming reader adds those). */
export function reportHeader(s: Reader): Omit<CamtReport, 'entries'> {
  const fr = s.opt('FrToDt');
  const txs = s.opt('TxsSummry');
  return {
    id: s.reqStr('Id'),
    electronicSequenceNumber: s.str('ElctrncSeqNb'),
    legalSequenceNumber: s.str('LglSeqNb'),
    creationDateTime: s.str('CreDtTm'),
    fromToDate: fr ? { from: fr.str('FrDtTm'), to: fr.str('ToDtTm') } : undefined,
    copyDuplicate: s.str('CpyDplctInd'),
    account: camtAccount(s.req('Acct')) ?? {},
    balances: s.all('Bal').map(balance),
    summary: txs
      ? { entries: sum(txs.opt('TtlNtries')), credits: sum(txs.opt('TtlCdtNtries')), debits: sum(txs.opt('TtlDbtNtries')) }
      : undefined,
    additionalInformation: s.str('AddtlStmtInf') ?? s.str('AddtlRptInf') ?? s.str('AddtlNtfctnInf'),
  };
}

export function groupHeader(g: Reader): CamtDocument['groupHeader'] {
  const pg = g.opt('MsgPgntn');
  return {
    messageId: g.reqStr('MsgId'),
    creationDateTime: g.reqStr('CreDtTm'),
    recipient: r.party(g.opt('MsgRcpt')),
    pagination: pg ? { pageNumber: pg.reqStr('PgNb'), lastPage: pg.boolean('LastPgInd') ?? false } : undefined,
    additionalInformation: g.str('AddtlInf'),
  };
}

export const REPORT_ELEMENT = { '052': 'Rpt', '053': 'Stmt', '054': 'Ntfctn' } as const;

/** `doc` is the Document; the message root name changed over versions, so the first child is used. */
export function parseCamt(doc: Reader, number: keyof typeof REPORT_ELEMENT): CamtDocument {
  const root = doc.choice() ?? doc.fail('empty Document');
  return {
    groupHeader: groupHeader(root.req('GrpHdr')),
    reports: root.all(REPORT_ELEMENT[number]).map((s) => ({ ...reportHeader(s), entries: s.all('Ntry').map(entry) })),
  };
}
