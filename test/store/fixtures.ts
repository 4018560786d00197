import { newId } from '../../src/domain/ids.js';
import type {
  CommandRecord,
  EventRecord,
  HistoryRecord,
  IdempotencyRecord,
  PaymentRecord,
  RefundRecord,
} from '../../src/store/types.js';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export function payment(over: Partial<PaymentRecord> = {}): PaymentRecord {
  const createdAt = over.createdAt ?? T0;
  return {
    id: newId('pay', createdAt),
    merchantId: 'mch_a',
    orderId: `order-${newId('req')}`,
    connector: 'demo-card',
    amount: 12_345,
    currency: 'EUR',
    status: 'processing',
    state: 'verifying',
    machineVersion: 3,
    snapshot: {
      value: 'verifying',
      context: { attempts: 1, nested: { list: [1, 'two', null, true], text: 'ünïcødé ✓ "quoted"' } },
    },
    version: 1,
    method: {
      type: 'card',
      last4: '0002',
      fingerprint: 'fp_abc',
      expMonth: 12,
      expYear: 2030,
      sealed: 'sealed-blob',
    },
    customerEmail: 'shopper@example.com',
    confirmation: 'otp',
    description: 'Two books',
    metadata: { cart: '42', channel: 'web' },
    createdAt,
    updatedAt: createdAt,
    ...over,
  };
}

export function refund(p: PaymentRecord, over: Partial<RefundRecord> = {}): RefundRecord {
  return {
    id: newId('re', over.createdAt ?? T0),
    paymentId: p.id,
    merchantId: p.merchantId,
    amount: 500,
    currency: p.currency,
    status: 'pending',
    state: 'requested',
    machineVersion: 1,
    snapshot: { value: 'requested', context: { amount: 500 } },
    version: 1,
    reason: 'customer asked',
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function command(p: PaymentRecord, over: Partial<CommandRecord> = {}): CommandRecord {
  return {
    id: newId('cmd'),
    aggregateId: p.id,
    aggregateKind: 'payment',
    paymentId: p.id,
    kind: 'bank',
    name: 'verify',
    reference: `ref-${newId('req')}`,
    spec: { kind: 'bank', flow: 'verify', original: { flow: 'authorize', reference: 'r1' } },
    status: 'pending',
    attempts: 0,
    availableAt: T0,
    leaseOwner: null,
    leaseUntil: null,
    outcome: null,
    createdAt: T0,
    completedAt: null,
    ...over,
  };
}

export function history(p: PaymentRecord, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    paymentId: p.id,
    aggregateId: p.id,
    at: T0,
    kind: 'transition',
    fromState: 'received',
    toState: 'verifying',
    data: { event: 'START' },
    ...over,
  };
}

export function event(p: PaymentRecord, over: Partial<EventRecord> = {}): EventRecord {
  const createdAt = over.createdAt ?? T0;
  return {
    id: newId('evt', createdAt),
    merchantId: p.merchantId,
    type: 'payment.authorized',
    paymentId: p.id,
    refundId: null,
    version: 2,
    data: { id: p.id, status: 'authorized', amount: p.amount },
    createdAt,
    ...over,
  };
}

export function idempotency(over: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    merchantId: 'mch_a',
    key: `key-${newId('req')}`,
    requestHash: 'a'.repeat(64),
    state: 'in_flight',
    responseStatus: null,
    responseBody: null,
    createdAt: T0,
    owner: 'owner-1',
    effectKind: null,
    effectId: null,
    ...over,
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Rejects with `message` if `p` does not settle within `ms`: a hang becomes a readable failure. */
export function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
