import type { Camt053StreamEvent } from '../../iso20022/index.js';
import { streamCamt } from '../../iso20022/camt/stream.js';
import { streamCamt053 } from '../../iso20022/camt053/index.js';
import { SqlStoreTx } from '../../store/sql/tx.js';
import type { Dialect, SqlExecutor, StoreTx } from '../../store/types.js';
import { businessDaysBetween, localDate, type CalendarSpec } from '../calendar/index.js';
import { maskIban } from '../../domain/payment-method.js';
import type { BatchProfile } from '../profile.js';
import { reconcileStatement, type ExpectedPayment, type ReconcileResult, type ReconciliationBreak } from '../reconcile/index.js';
import type { BatchItem, BatchRecords, StoredBreak } from '../records.js';
import { breakView, publishBreak, type PublishEvent } from './publish.js';

export interface StatementEffect {
  statementId: string;
  reportDate: string;
  duplicate: boolean;
  result: ReconcileResult;
  newBreaks: ReconciliationBreak[];
}

/** Items as reconciliation sees them: what we sent, what the pain.002 said, how it settled. */
export function expectedOf(item: BatchItem): ExpectedPayment | null {
  if (item.status === 'not_sent' || !item.messageId || !item.paymentInfoId || item.settlement === 'unsettled') return null;
  return {
    paymentId: item.aggregateId,
    endToEndId: item.endToEndId,
    uetr: item.uetr,
    paymentInformationId: item.paymentInfoId,
    messageId: item.messageId,
    amount: item.amount,
    currency: item.currency,
    direction: item.direction,
    executionDate: item.executionDate,
    settlement: item.settlement,
    bankStatus: item.status === 'accepted' ? 'accepted' : item.status === 'rejected' ? 'rejected' : item.status === 'pending' ? 'pending' : 'none',
    remittance: item.transfer.remittance,
    ...(item.settlementRef ? { settledEntryKey: item.settlementRef } : {}),
  };
}

/** camt.054 notifications carry the same entries as a statement: read them with one vocabulary. */
export async function* asStatementEvents(xml: Uint8Array, family: '053' | '054'): AsyncGenerator<Camt053StreamEvent> {
  const source = (async function* () {
    yield xml;
  })();
  if (family === '053') {
    yield* streamCamt053(source);
    return;
  }
  for await (const e of streamCamt(source, '054')) {
    if (e.kind === 'groupHeader') yield e;
    else if (e.kind === 'entry') yield { kind: 'entry', statementIndex: e.reportIndex, entryIndex: e.entryIndex, entry: e.entry };
    else yield { kind: 'statement', statementIndex: e.reportIndex, statement: e.report, entryCount: e.entryCount };
  }
}

export interface StatementContext {
  records: BatchRecords;
  profile: BatchProfile;
  calendar: CalendarSpec;
  publish: PublishEvent | undefined;
}

export interface Reconciled {
  result: ReconcileResult;
  /** The items the statement was checked against, by the engine id reconciliation names. */
  items: Map<string, BatchItem>;
}

/** Reads a statement against the items (nothing written): the CLI's dry run and the first half of `applyStatement`. */
export async function reconcileItems(
  ctx: Pick<StatementContext, 'profile' | 'calendar'>,
  source: AsyncIterable<BatchItem>,
  events: AsyncIterable<Camt053StreamEvent>,
  at: number,
  onProgress?: (entries: number) => void,
): Promise<Reconciled> {
  const { profile, calendar } = ctx;
  const items = new Map<string, BatchItem>();
  const expected: ExpectedPayment[] = [];
  for await (const item of source) {
    const e = expectedOf(item);
    if (!e) continue;
    items.set(item.aggregateId, item);
    expected.push(e);
  }
  const result = await reconcileStatement({
    entries: events,
    expected,
    asOf: localDate(at, calendar.timeZone ?? 'UTC'),
    missingAfterBusinessDays: profile.missingAfterBusinessDays,
    businessDaysBetween: (from, to) => businessDaysBetween(from, to, calendar),
    dateWindowDays: profile.dateWindowDays,
    ...(onProgress ? { onProgress } : {}),
  });
  return { result, items };
}

/**
 * The second half of applying a statement (camt.053) or notification (camt.054), after
 * `reconcileItems` read it against every item we filed: settlements written, breaks stored by key
 * (a statement applied twice, even under another file name, creates nothing twice) and each new
 * break of a payment published as a `reconciliation.break` event to its merchant. Reading a large
 * statement takes seconds, so it happens before the transaction; only these writes hold it.
 */
export async function recordStatement(
  db: SqlExecutor,
  dialect: Dialect,
  ctx: StatementContext,
  { result, items }: Reconciled,
  family: '053' | '054',
  inboundId: string | null,
  at: number,
): Promise<StatementEffect> {
  const { records, calendar } = ctx;
  const statementId = `${family}:${result.statement.id}`;
  const reportDate = result.statement.to?.slice(0, 10) ?? localDate(at, calendar.timeZone ?? 'UTC');
  const fresh = await records.insertStatement(db, statementId, reportDate, inboundId, summaryOf(result), at);
  if (!fresh) return { statementId, reportDate, duplicate: true, result, newBreaks: [] };

  for (const s of result.settlements) {
    const item = items.get(s.paymentId);
    if (!item) continue;
    await records.updateItem(db, item.reference, { settlement: s.to, settledAt: at, settlementRef: s.entryKey }, at);
  }
  const tx = new SqlStoreTx(db, dialect);
  const newBreaks: ReconciliationBreak[] = [];
  for (const b of result.breaks) {
    const item = b.paymentId ? items.get(b.paymentId) : undefined;
    if (await recordBreak(db, tx, ctx, b, item, reportDate, at)) newBreaks.push(b);
  }
  return { statementId, reportDate, duplicate: false, result, newBreaks };
}

/**
 * Stores a break once (by its key, per connector) and publishes it to the payment's merchant.
 * False when the key was stored before: a statement or return file applied twice adds nothing.
 */
export async function recordBreak(
  db: SqlExecutor,
  tx: StoreTx,
  ctx: Pick<StatementContext, 'records' | 'publish'>,
  b: ReconciliationBreak,
  item: BatchItem | undefined,
  reportDate: string,
  at: number,
): Promise<boolean> {
  const { records } = ctx;
  const data = breakData(b, item);
  const stored = await records.insertBreak(db, {
    key: `${records.connector}:${b.key}`,
    connector: records.connector,
    reportDate,
    type: b.type,
    paymentId: item?.paymentId ?? null,
    merchantId: item?.merchantId ?? null,
    data,
    createdAt: at,
  });
  if (stored && item && ctx.publish) await publishBreak(tx, ctx.publish, item, breakView(data, reportDate), at);
  return stored;
}

/**
 * A break as stored: the reconciliation's own fields (so the CSV report reads stored breaks as
 * they came), with the engine's payment id (a refund's break names its payment and its refund)
 * and the customer's account masked. Never a full account number.
 */
export function breakData(b: ReconciliationBreak, item: BatchItem | undefined): StoredBreak {
  return {
    ...b,
    ...(item ? { paymentId: item.paymentId } : {}),
    ...(item?.flow === 'refund' ? { refundId: item.aggregateId } : {}),
    // the customer's side of the transfer; ours is the statement's account
    ...(item ? { counterparty: maskIban(item.direction === 'credit' ? item.transfer.debtor.iban : item.transfer.creditor.iban) } : {}),
  };
}

function summaryOf(r: ReconcileResult): unknown {
  return {
    statement: { ...r.statement, account: maskIban(r.statement.account) },
    settlements: r.settlements.length,
    breaks: r.breaks.length,
    totals: r.totals,
    not_booked: r.notBooked,
  };
}
