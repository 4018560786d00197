import type { Pacs004v09 } from '../../iso20022/index.js';
import { SqlStoreTx } from '../../store/sql/tx.js';
import type { Dialect, SqlExecutor } from '../../store/types.js';
import type { BatchItem, BatchRecords } from '../records.js';
import type { PublishEvent } from './publish.js';
import { recordBreak } from './statement.js';

/**
 * A pacs.004 payment return: money we were credited (or paid out) came back. The payment itself
 * stays where the bank's status report put it (succeeded means the transfer was executed); the
 * settlement becomes `returned` and a RETURNED break tells the merchant, who decides what next.
 */
export async function applyReturns(
  db: SqlExecutor,
  dialect: Dialect,
  ctx: { records: BatchRecords; publish: PublishEvent | undefined },
  message: Pacs004v09,
  reportDate: string,
  at: number,
): Promise<BatchItem[]> {
  const { records } = ctx;
  const ids = message.transactions.map((t) => t.originalEndToEndId).filter((x): x is string => typeof x === 'string');
  const items = await records.itemsByEndToEndId(db, ids);
  const tx = new SqlStoreTx(db, dialect);
  const returned: BatchItem[] = [];
  for (const t of message.transactions) {
    const item = t.originalEndToEndId !== undefined ? items.get(t.originalEndToEndId) : undefined;
    if (!item || item.settlement === 'returned') continue;
    await records.updateItem(db, item.reference, { settlement: 'returned', settledAt: at }, at);
    const reason = t.returnReasons?.[0]?.reason?.code ?? t.returnReasons?.[0]?.reason?.proprietary ?? 'unspecified';
    const b = {
      type: 'RETURNED' as const,
      key: `${item.aggregateId}:RETURNED`,
      paymentId: item.aggregateId,
      endToEndId: item.endToEndId,
      actual: { amount: t.returnedInterbankSettlementAmount.amount, currency: t.returnedInterbankSettlementAmount.currency },
      expected: { amount: item.amount, currency: item.currency },
      detail: `returned by the bank (${reason}) in pacs.004 ${message.groupHeader.messageId}`,
    };
    await recordBreak(db, tx, ctx, b, item, reportDate, at);
    returned.push({ ...item, settlement: 'returned' });
  }
  return returned;
}
