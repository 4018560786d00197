import * as sw from '../../common/status-write.js';
import * as w from '../../common/write.js';
import type { TransactionStatus } from '../../common/status-types.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Pain002v10 } from './model.js';

export const PAIN002V10 = 'pain.002.001.10';

function transaction(t: TransactionStatus, path: string) {
  return el(
    'TxInfAndSts',
    leaf('StsId', t.statusId),
    leaf('OrgnlInstrId', t.originalInstructionId),
    leaf('OrgnlEndToEndId', t.originalEndToEndId),
    leaf('OrgnlUETR', t.originalUetr),
    leaf('TxSts', t.status),
    sw.statusReasons(t.statusReasons),
    leaf('AccptncDtTm', t.acceptanceDateTime),
    leaf('AcctSvcrRef', t.accountServicerReference),
    leaf('ClrSysRef', t.clearingSystemReference),
    sw.originalTransactionReference(t.originalTransactionReference, `${path}/OrgnlTxRef`),
  );
}

export function serializePain002v10(m: Pain002v10): string {
  const g = w.orEmpty(m.groupHeader);
  const root = 'Document/CstmrPmtStsRpt';
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${PAIN002V10}`,
    el(
      'CstmrPmtStsRpt',
      el(
        'GrpHdr',
        leaf('MsgId', g.messageId),
        leaf('CreDtTm', g.creationDateTime),
        w.party('InitgPty', g.initiatingParty),
        w.agent('FwdgAgt', g.forwardingAgent),
        w.agent('DbtrAgt', g.debtorAgent),
        w.agent('CdtrAgt', g.creditorAgent),
      ),
      sw.originalGroup(w.orEmpty(m.originalGroup)),
      (m.payments ?? []).map((p, i) =>
        el(
          'OrgnlPmtInfAndSts',
          leaf('OrgnlPmtInfId', p.originalPaymentInformationId),
          leaf('OrgnlNbOfTxs', p.originalNumberOfTransactions === undefined ? undefined : String(p.originalNumberOfTransactions)),
          leaf('OrgnlCtrlSum', p.originalControlSum),
          leaf('PmtInfSts', p.status),
          sw.statusReasons(p.statusReasons),
          sw.perStatus(p.transactionsPerStatus),
          (p.transactions ?? []).map((t, j) => transaction(t, `${root}/OrgnlPmtInfAndSts[${i + 1}]/TxInfAndSts[${j + 1}]`)),
        ),
      ),
    ),
  );
}
