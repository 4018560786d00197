import type { SqlReads } from './reads.js';
import type {
  AuditHead,
  CommandRecord,
  EventQuery,
  EventRecord,
  HistoryRecord,
  Page,
  PaymentQuery,
  PaymentRecord,
  RefundRecord,
  StrandedAggregate,
  StrandedQuery,
  TimerRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../types.js';

/**
 * The reads both SQL stores answer the same way: committed data through the shared queries of
 * SqlReads, on whatever connection the store gives them (SQLite's reader, PostgreSQL's pool).
 */
export abstract class SqlStoreBase {
  protected abstract readonly reads: SqlReads;

  getPayment(id: string): Promise<PaymentRecord | null> {
    return this.reads.getPayment(id);
  }
  getPaymentByOrder(merchantId: string, orderId: string): Promise<PaymentRecord | null> {
    return this.reads.getPaymentByOrder(merchantId, orderId);
  }
  listPayments(q: PaymentQuery): Promise<Page<PaymentRecord>> {
    return this.reads.listPayments(q);
  }
  getRefund(id: string): Promise<RefundRecord | null> {
    return this.reads.getRefund(id);
  }
  listRefundsOf(paymentId: string): Promise<RefundRecord[]> {
    return this.reads.listRefundsOf(paymentId);
  }
  listHistory(paymentId: string): Promise<HistoryRecord[]> {
    return this.reads.listHistory(paymentId);
  }
  listPaymentIds(afterId: string | null, limit: number): Promise<string[]> {
    return this.reads.listPaymentIds(afterId, limit);
  }
  listAuditHeads(afterId: string | null, limit: number): Promise<AuditHead[]> {
    return this.reads.listAuditHeads(afterId, limit);
  }
  listEvents(q: EventQuery): Promise<Page<EventRecord>> {
    return this.reads.listEvents(q);
  }
  getEvent(id: string): Promise<EventRecord | null> {
    return this.reads.getEvent(id);
  }
  findCommandByReference(reference: string): Promise<CommandRecord | null> {
    return this.reads.findCommandByReference(reference);
  }
  listCommands(aggregateId: string): Promise<CommandRecord[]> {
    return this.reads.listCommands(aggregateId);
  }
  listDueTimers(now: number, limit: number): Promise<TimerRecord[]> {
    return this.reads.listDueTimers(now, limit);
  }
  listStranded(q: StrandedQuery): Promise<StrandedAggregate[]> {
    return this.reads.listStranded(q);
  }
  nextDue(): Promise<{ command: number | null; timer: number | null }> {
    return this.reads.nextDue();
  }
  countPaymentsByStatus(): Promise<Record<string, number>> {
    return this.reads.countPaymentsByStatus();
  }
  getWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null> {
    return this.reads.getWebhookEndpoint(id);
  }
  listWebhookEndpoints(merchantId: string): Promise<WebhookEndpointRecord[]> {
    return this.reads.listWebhookEndpoints(merchantId);
  }
  listWebhookDeliveries(eventId: string): Promise<WebhookDeliveryRecord[]> {
    return this.reads.listWebhookDeliveries(eventId);
  }
  nextWebhookDue(): Promise<number | null> {
    return this.reads.nextWebhookDue();
  }
}
