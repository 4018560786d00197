import type { Camt053StreamEvent } from '../../iso20022/index.js';
import { streamCamt } from '../../iso20022/camt/stream.js';
import { streamCamt053 } from '../../iso20022/camt053/index.js';
import { SqlStoreTx } from '../../store/sql/tx.js';
import type { Dialect, SqlExecutor, StoreTx } from '../../store/types.js';
import { businessDaysBetween, localDate, type CalendarSpec } from '../calendar/index.js';
import { maskIban } from '../../domain/payment-method.js';
import type { BatchProfile } from '../profile.js';
import { reconcileStatement, type ExpectedPayment, type ReconcileResult, type ReconciliationBreak, type StatementSummary } from '../reconcile/index.js';
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
    // to the matcher a rejected transfer is still open: a booking of it is a STATUS_CONFLICT, and its
    // bank status (rejected) keeps it out of the absence checks
    settlement: item.settlement === 'rejected' ? 'batched' : item.settlement,
    bankStatus: item.status === 'accepted' ? 'accepted' : item.status === 'rejected' ? 'rejected' : item.status === 'pending' ? 'pending' : 'none',
    remittance: item.transfer.remittance,
    ...(item.settlementRef ? { settledEntryKey: item.settlementRef } : {}),
  };
}

/** camt.052 reports and camt.054 notifications carry the same entries as a statement: read them with one vocabulary. */
export async function* asStatementEvents(xml: Uint8Array, family: CamtFamily): AsyncGenerator<Camt053StreamEvent> {
  const source = (async function* () {
    yield xml;
  })();
  if (family === '053') {
    yield* streamCamt053(source);
    return;
  }
  for await (const e of streamCamt(source, family)) {
    if (e.kind === 'groupHeader') yield e;
    else if (e.kind === 'entry') yield { kind: 'entry', statementIndex: e.reportIndex, entryIndex: e.entryIndex, entry: e.entry };
    else yield { kind: 'statement', statementIndex: e.reportIndex, statement: e.report, entryCount: e.entryCount };
  }
}

export type CamtFamily = '052' | '053' | '054';

/**
 * Only an end-of-day statement lists every booking of the day, so only it can prove that a payment
 * is absent: a camt.053, or a camt.052 when the profile says the bank's last report of the day is
 * final. A camt.054 or an intraday camt.052 shows some movements; it settles what it shows.
 */
export const isEndOfDay = (family: CamtFamily, profile: Pick<BatchProfile, 'camt052EndOfDay'>): boolean => family === '053' || (family === '052' && profile.camt052EndOfDay);

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
  opts: { checkAbsence?: boolean } = {},
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
    checkAbsence: opts.checkAbsence ?? true,
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
  family: CamtFamily,
  inboundId: string | null,
  at: number,
): Promise<StatementEffect> {
  const { records, calendar } = ctx;
  const today = localDate(at, calendar.timeZone ?? 'UTC');
  // Each statement is its own record (id, date, sequence); the file is new when any of them is.
  const statements = [...result.statements].sort((a, b) => seqOf(a) - seqOf(b));
  const statementId = statements.map((s) => `${family}:${s.id}`).join(', ');
  const dateOf = (s: StatementSummary): string => s.to?.slice(0, 10) ?? today;
  const reportDate = statements.map(dateOf).sort().at(-1) ?? today;
  const tx = new SqlStoreTx(db, dialect);
  const newBreaks: ReconciliationBreak[] = [];
  let fresh = 0;
  for (const s of statements) {
    // statements (camt.053) are numbered without holes; notifications and intraday reports are
    // numbered per bank habit (often per day), so a jump there proves nothing
    const gap = family === '053' ? await sequenceGap(db, records, family, s) : null;
    if (!(await records.insertStatement(db, `${family}:${s.id}`, dateOf(s), inboundId, summaryOf(result, s), at))) continue;
    fresh++;
    if (gap && (await recordBreak(db, tx, ctx, gap, undefined, dateOf(s), at))) newBreaks.push(gap);
  }
  if (fresh === 0) return { statementId, reportDate, duplicate: true, result, newBreaks: [] };

  for (const s of result.settlements) {
    const item = items.get(s.paymentId);
    if (!item) continue;
    await records.updateItem(db, item.reference, { settlement: s.to, settledAt: at, settlementRef: s.entryKey }, at);
  }
  for (const b of result.breaks) {
    const item = b.paymentId ? items.get(b.paymentId) : undefined;
    // an entry's break belongs to its statement's day; a payment the bank never showed, to the file's
    const own = statements.find((s) => b.key.startsWith(`${s.id}:`));
    if (await recordBreak(db, tx, ctx, b, item, own ? dateOf(own) : reportDate, at)) newBreaks.push(b);
  }
  return { statementId, reportDate, duplicate: false, result, newBreaks };
}

const seqOf = (s: StatementSummary): number => (s.sequence !== undefined && /^\d{1,15}$/.test(s.sequence) ? Number(s.sequence) : Number.MAX_SAFE_INTEGER);

/**
 * Electronic sequence numbers count our account's statements without holes: a statement numbered
 * past the next one means the ones between never reached us (lost, or still on the bank's side).
 * A lower number is a late statement filling a gap, or a copy: no break for it.
 */
async function sequenceGap(db: SqlExecutor, records: BatchRecords, family: string, s: StatementSummary): Promise<ReconciliationBreak | null> {
  const n = seqOf(s);
  if (n === Number.MAX_SAFE_INTEGER) return null;
  const last = await records.lastStatementSequence(db, family);
  if (last === null || n <= last + 1) return null;
  return {
    type: 'SEQUENCE_GAP',
    key: `${s.id}:SEQUENCE_GAP`,
    detail: `statement ${s.id} has electronic sequence number ${n}, the highest applied before is ${last}: ${n - last - 1} statement(s) missing`,
  };
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

function summaryOf(r: ReconcileResult, s: StatementSummary): unknown {
  return {
    statement: { ...s, account: maskIban(s.account) },
    // settlements, breaks and totals are the file's (its statements of our account together)
    statements_in_file: r.statements.length,
    settlements: r.settlements.length,
    breaks: r.breaks.length,
    totals: r.totals,
    not_booked: r.notBooked,
  };
}
