import type { ConnectorReport } from '../../src/connector/types.js';
import { pacs002Outcomes, pain002Outcomes, parse, type StatusReason } from '../../src/iso20022/index.js';
import { fromBankId, fromPacs002, fromPain002, isRefundPaymentInformation, originalFromConvention } from './mapping.js';

/**
 * A pushed report that names no transaction Railyard can find: a group status with no payment or
 * transaction lines (demo-sepa's MsgIds are random, so the group alone says nothing of which
 * payment it was), PART with no details, a pacs.002 without references. It is kept and surfaced
 * (connector health, a `connector.unmatched_report` notice), never dropped. Ids and codes only:
 * no account data.
 */
export interface UnmatchedReport {
  messageType: string;
  /** The report's MsgId; absent when the engine found no payment for a reference it named. */
  messageId?: string;
  /** Our reference the report named (when it named one no payment has). */
  reference?: string;
  originalMessageId?: string;
  groupStatus?: string;
  reason?: string;
}

export interface InboundReading {
  reports: ConnectorReport[];
  unmatched?: UnmatchedReport;
}

/**
 * Status reports the bank pushes on its own (pain.002 on our pain.001s, transfers and refunds sent
 * as credit transfers alike, pacs.002 on our pacs.008s and pacs.004 returns): one report per
 * transaction, keyed by the reference we sent. A status given for a whole payment information
 * block applies to the transaction demo-sepa put in it (see `originalFromConvention`). Pure: the
 * engine decides what a report changes (a duplicate of a final status is recorded and ignored).
 */
export function reportsFromInbound(xml: string): ConnectorReport[] {
  return readInbound(xml).reports;
}

export function readInbound(xml: string): InboundReading {
  const msg = parse(xml);
  const reading = (type: string, messageId: string, reports: ConnectorReport[], group?: { originalMessageId?: string; groupStatus?: string; statusReasons?: StatusReason[] }): InboundReading => {
    if (reports.length > 0) return { reports };
    const reason = group?.statusReasons?.[0]?.reason;
    const code = reason?.code ?? reason?.proprietary;
    return {
      reports,
      unmatched: {
        messageType: type,
        messageId,
        ...(group?.originalMessageId !== undefined ? { originalMessageId: group.originalMessageId } : {}),
        ...(group?.groupStatus !== undefined ? { groupStatus: group.groupStatus } : {}),
        ...(code !== undefined ? { reason: code } : {}),
      },
    };
  };
  switch (msg.type) {
    case 'pain.002.001.10':
    case 'pain.002.001.03':
    {
      const original = originalFromConvention(msg.model);
      const outcomes = pain002Outcomes(msg.model, original ? { original } : {});
      // A refund sent as a credit transfer is reported like a transfer; its PmtInfId says which it is.
      const refunds = new Set(
        outcomes.filter((o) => o.originalPaymentInformationId !== undefined && isRefundPaymentInformation(o.originalPaymentInformationId)).map((o) => o.originalEndToEndId),
      );
      const ids = [...new Set(outcomes.map((o) => o.originalEndToEndId))];
      const reports = ids
        .filter((id): id is string => id !== undefined)
        .map((id): ConnectorReport => {
          const flow = refunds.has(id) ? 'refund' : 'transfer';
          return { flow, reference: fromBankId(id), outcome: fromPain002(msg.model, fromBankId(id), flow, original) };
        });
      return reading(msg.type, msg.model.groupHeader.messageId, reports, msg.model.originalGroup);
    }
    case 'pacs.002.001.10': {
      const returns = msg.model.originalGroups.some((g) => g.originalMessageNameId.startsWith('pacs.004'));
      const reports = pacs002Outcomes(msg.model).flatMap((o): ConnectorReport[] => {
        if (returns || (o.originalTransactionId !== undefined && o.originalEndToEndId === undefined)) {
          const id = o.originalTransactionId;
          return id === undefined ? [] : [{ flow: 'refund', reference: fromBankId(id), outcome: fromPacs002(msg.model, { transactionId: fromBankId(id) }, 'refund') }];
        }
        const id = o.originalEndToEndId;
        return id === undefined ? [] : [{ flow: 'transfer', reference: fromBankId(id), outcome: fromPacs002(msg.model, { endToEndId: fromBankId(id) }, 'transfer') }];
      });
      return reading(msg.type, msg.model.groupHeader.messageId, reports, msg.model.originalGroups[0]);
    }
    default:
      throw new UnexpectedInbound(`demo-sepa takes pain.002 and pacs.002 status reports, not ${msg.type}`);
  }
}

export class UnexpectedInbound extends Error {
  override readonly name = 'UnexpectedInbound';
}
