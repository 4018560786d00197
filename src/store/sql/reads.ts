import type {
  CommandRecord,
  EventQuery,
  EventRecord,
  AuditHead,
  HistoryRecord,
  Page,
  PaymentQuery,
  PaymentRecord,
  RefundRecord,
  Store,
  StrandedAggregate,
  StrandedQuery,
  TimerRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../types.js';
import { decodeAuditHead, decodeCommand, decodeEvent, decodeHistory, decodePayment, decodeRefund, decodeTimer } from './codec.js';
import type { Row, SqlExecutor, SqlValue } from './executor.js';
import { decodeDelivery, decodeEndpoint } from './webhook-codec.js';

/** The read side of `Store`, identical for both dialects. */
export type StoreReads = Pick<
  Store,
  | 'getPayment'
  | 'getPaymentByOrder'
  | 'listPayments'
  | 'getRefund'
  | 'listRefundsOf'
  | 'listHistory'
  | 'listPaymentIds'
  | 'listAuditHeads'
  | 'listEvents'
  | 'getEvent'
  | 'findCommandByReference'
  | 'listCommands'
  | 'nextDue'
  | 'listDueTimers'
  | 'listStranded'
  | 'countPaymentsByStatus'
  | 'getWebhookEndpoint'
  | 'listWebhookEndpoints'
  | 'listWebhookDeliveries'
  | 'nextWebhookDue'
>;

export function selectRefundsOf(db: SqlExecutor, paymentId: string): Promise<RefundRecord[]> {
  return db
    .all('SELECT * FROM refunds WHERE payment_id = ? ORDER BY created_at, id', [paymentId])
    .then((rows) => rows.map(decodeRefund));
}

/**
 * Newest-first keyset page of one merchant's rows: `startingAfter` names the last row of the
 * previous page, and the next page continues strictly below its (created_at, id). One extra row is
 * fetched to learn `hasMore`. A cursor from another merchant yields an empty page.
 */
async function keysetPage<T>(
  db: SqlExecutor,
  table: 'payments' | 'events',
  merchantId: string,
  filters: ReadonlyArray<readonly [column: string, value: string | undefined]>,
  startingAfter: string | undefined,
  limit: number,
  decode: (row: Row) => T,
): Promise<Page<T>> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const where = ['merchant_id = ?'];
  const params: SqlValue[] = [merchantId];
  for (const [column, value] of filters) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (startingAfter !== undefined) {
    where.push(`(created_at, id) < (SELECT created_at, id FROM ${table} WHERE id = ? AND merchant_id = ?)`);
    params.push(startingAfter, merchantId);
  }
  params.push(limit + 1);
  const rows = await db.all(
    `SELECT * FROM ${table} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  );
  return { items: rows.slice(0, limit).map(decode), hasMore: rows.length > limit };
}

export class SqlReads implements StoreReads {
  constructor(private readonly db: SqlExecutor) {}

  async getPayment(id: string): Promise<PaymentRecord | null> {
    const rows = await this.db.all('SELECT * FROM payments WHERE id = ?', [id]);
    return rows[0] ? decodePayment(rows[0]) : null;
  }

  async getPaymentByOrder(merchantId: string, orderId: string): Promise<PaymentRecord | null> {
    const rows = await this.db.all('SELECT * FROM payments WHERE merchant_id = ? AND order_id = ?', [merchantId, orderId]);
    return rows[0] ? decodePayment(rows[0]) : null;
  }

  listPayments(q: PaymentQuery): Promise<Page<PaymentRecord>> {
    return keysetPage(
      this.db,
      'payments',
      q.merchantId,
      [['status', q.status]],
      q.startingAfter,
      q.limit,
      decodePayment,
    );
  }

  async getRefund(id: string): Promise<RefundRecord | null> {
    const rows = await this.db.all('SELECT * FROM refunds WHERE id = ?', [id]);
    return rows[0] ? decodeRefund(rows[0]) : null;
  }

  listRefundsOf(paymentId: string): Promise<RefundRecord[]> {
    return selectRefundsOf(this.db, paymentId);
  }

  async listPaymentIds(afterId: string | null, limit: number): Promise<string[]> {
    const rows = await this.db.all('SELECT id FROM payments WHERE id > ? ORDER BY id LIMIT ?', [afterId ?? '', limit]);
    return rows.map((r) => String(r['id']));
  }

  async listAuditHeads(afterId: string | null, limit: number): Promise<AuditHead[]> {
    const rows = await this.db.all(
      'SELECT id, audit_count, audit_hash, audit_mac, audit_key_id, audit_legacy_count FROM payments WHERE id > ? ORDER BY id LIMIT ?',
      [afterId ?? '', limit],
    );
    return rows.map(decodeAuditHead);
  }

  async listHistory(paymentId: string): Promise<HistoryRecord[]> {
    const rows = await this.db.all('SELECT * FROM history WHERE payment_id = ? ORDER BY seq', [paymentId]);
    return rows.map(decodeHistory);
  }

  listEvents(q: EventQuery): Promise<Page<EventRecord>> {
    return keysetPage(
      this.db,
      'events',
      q.merchantId,
      [
        ['type', q.type],
        ['payment_id', q.paymentId],
      ],
      q.startingAfter,
      q.limit,
      decodeEvent,
    );
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    const rows = await this.db.all('SELECT * FROM events WHERE id = ?', [id]);
    return rows[0] ? decodeEvent(rows[0]) : null;
  }

  async findCommandByReference(reference: string): Promise<CommandRecord | null> {
    // Only bank commands carry bank references; the first one that used it is the one replies belong to.
    const rows = await this.db.all(
      "SELECT * FROM commands WHERE reference = ? AND kind = 'bank' ORDER BY created_at, id LIMIT 1",
      [reference],
    );
    return rows[0] ? decodeCommand(rows[0]) : null;
  }

  async listCommands(aggregateId: string): Promise<CommandRecord[]> {
    const rows = await this.db.all('SELECT * FROM commands WHERE aggregate_id = ? ORDER BY created_at, id', [aggregateId]);
    return rows.map(decodeCommand);
  }

  async listDueTimers(now: number, limit: number): Promise<TimerRecord[]> {
    const rows = await this.db.all('SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at, aggregate_id, name LIMIT ?', [now, limit]);
    return rows.map(decodeTimer);
  }

  async listStranded(q: StrandedQuery): Promise<StrandedAggregate[]> {
    if (q.statuses.length === 0) return [];
    // (status, updated_at) index (migration 0009): only old open aggregates are visited, and for
    // each the two NOT EXISTS are primary-key / aggregate-index probes.
    const table = q.kind === 'payment' ? 'payments' : 'refunds';
    const paymentId = q.kind === 'payment' ? 'a.id' : 'a.payment_id';
    const rows = await this.db.all(
      `SELECT a.id AS id, ${paymentId} AS payment_id, a.state AS state, a.updated_at AS updated_at FROM ${table} a
       WHERE a.status IN (${q.statuses.map(() => '?').join(', ')}) AND a.updated_at <= ?
         AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.aggregate_id = a.id)
         AND NOT EXISTS (SELECT 1 FROM commands c WHERE c.aggregate_id = a.id AND c.status IN ('pending', 'in_flight'))
       ORDER BY a.updated_at, a.id
       LIMIT ?`,
      [...q.statuses, q.updatedBefore, q.limit],
    );
    return rows.map((r) => ({
      kind: q.kind,
      id: String(r['id']),
      paymentId: String(r['payment_id']),
      state: String(r['state']),
      updatedAt: Number(r['updated_at']),
    }));
  }

  async nextDue(): Promise<{ command: number | null; timer: number | null }> {
    const rows = await this.db.all(
      `SELECT
         (SELECT MIN(available_at) FROM commands WHERE status = 'pending') AS command,
         (SELECT MIN(due_at) FROM timers) AS timer`,
    );
    const row = rows[0] ?? {};
    return { command: nullableNumber(row['command']), timer: nullableNumber(row['timer']) };
  }

  async countPaymentsByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.all('SELECT status, COUNT(*) AS n FROM payments GROUP BY status');
    const counts: Record<string, number> = {};
    for (const row of rows) counts[String(row['status'])] = Number(row['n']);
    return counts;
  }
  async getWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null> {
    const rows = await this.db.all('SELECT * FROM webhook_endpoints WHERE id = ?', [id]);
    return rows[0] ? decodeEndpoint(rows[0]) : null;
  }

  async listWebhookEndpoints(merchantId: string): Promise<WebhookEndpointRecord[]> {
    const rows = await this.db.all('SELECT * FROM webhook_endpoints WHERE merchant_id = ? ORDER BY created_at, id', [merchantId]);
    return rows.map(decodeEndpoint);
  }

  async listWebhookDeliveries(eventId: string): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.db.all('SELECT * FROM webhook_deliveries WHERE event_id = ? ORDER BY created_at, id', [eventId]);
    return rows.map(decodeDelivery);
  }

  async nextWebhookDue(): Promise<number | null> {
    const rows = await this.db.all(
      `SELECT MIN(due) AS due FROM (
         SELECT MIN(d.next_attempt_at) AS due FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled')
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries o
             WHERE o.endpoint_id = d.endpoint_id AND o.payment_id = d.payment_id AND o.id <> d.id
               AND (o.status = 'in_flight'
                    OR (o.status = 'pending' AND o.seq < d.seq))
           )
         UNION ALL
         SELECT MIN(lease_until) AS due FROM webhook_deliveries WHERE status = 'in_flight'
       ) due_times`,
    );
    return nullableNumber(rows[0]?.['due']);
  }
}

function nullableNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number') throw new Error(`expected a number, got ${typeof v}`);
  return v;
}
