import type { ConnectorReport } from '../../src/connector/types.js';
import { pacs002Outcomes, pain002Outcomes, parse } from '../../src/iso20022/index.js';
import { fromBankId, fromPacs002, fromPain002, isRefundPaymentInformation } from './mapping.js';

/**
 * Status reports the bank pushes on its own (pain.002 on our pain.001s, transfers and refunds sent
 * as credit transfers alike, pacs.002 on our pacs.008s and pacs.004 returns): one report per
 * transaction, keyed by the reference we sent. Pure: the engine decides what a report changes (a duplicate of a final status is recorded and ignored).
 */
export function reportsFromInbound(xml: string): ConnectorReport[] {
  const msg = parse(xml);
  switch (msg.type) {
    case 'pain.002.001.10':
    case 'pain.002.001.03':
    {
      // A refund sent as a credit transfer is reported like a transfer; its PmtInfId says which it is.
      const refunds = new Set(
        msg.model.payments.filter((p) => isRefundPaymentInformation(p.originalPaymentInformationId)).flatMap((p) => p.transactions.map((t) => t.originalEndToEndId)),
      );
      return pain002Outcomes(msg.model)
        .map((o) => o.originalEndToEndId)
        .filter((id): id is string => id !== undefined)
        .map((id): ConnectorReport => {
          const flow = refunds.has(id) ? 'refund' : 'transfer';
          return { flow, reference: fromBankId(id), outcome: fromPain002(msg.model, fromBankId(id), flow) };
        });
    }
    case 'pacs.002.001.10': {
      const returns = msg.model.originalGroups.some((g) => g.originalMessageNameId.startsWith('pacs.004'));
      return pacs002Outcomes(msg.model).flatMap((o): ConnectorReport[] => {
        if (returns || (o.originalTransactionId !== undefined && o.originalEndToEndId === undefined)) {
          const id = o.originalTransactionId;
          return id === undefined ? [] : [{ flow: 'refund', reference: fromBankId(id), outcome: fromPacs002(msg.model, { transactionId: fromBankId(id) }, 'refund') }];
        }
        const id = o.originalEndToEndId;
        return id === undefined ? [] : [{ flow: 'transfer', reference: fromBankId(id), outcome: fromPacs002(msg.model, { endToEndId: fromBankId(id) }, 'transfer') }];
      });
    }
    default:
      throw new UnexpectedInbound(`demo-sepa takes pain.002 and pacs.002 status reports, not ${msg.type}`);
  }
}

export class UnexpectedInbound extends Error {
  override readonly name = 'UnexpectedInbound';
}
