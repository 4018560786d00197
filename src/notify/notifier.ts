import type { Secret } from '../domain/secret.js';

/** What the customer is told. The one-time code stays wrapped until a channel really sends it. */
export type Notification =
  | {
      kind: 'otp';
      paymentId: string;
      merchantId: string;
      merchantName: string;
      to: string;
      code: Secret<string>;
      amount: number;
      currency: string;
      expiresAt: number;
    }
  | {
      kind: 'result';
      paymentId: string;
      refundId?: string;
      merchantId: string;
      merchantName: string;
      to: string;
      status: string;
      amount: number;
      currency: string;
      last4: string;
    };

/** One small interface, many channels (memory for the sandbox, SMTP for production). */
export interface Notifier {
  send(n: Notification): Promise<void>;
}

export interface SandboxNotificationView {
  payment_id: string;
  refund_id?: string;
  kind: 'otp' | 'result';
  to: string;
  created_at: string;
  otp?: string;
  status?: string;
  amount: number;
  currency: string;
}

/**
 * The sandbox's customer inbox: kept in memory only, because it holds one-time codes in clear
 * for the gateway developer to finish a flow. Bounded so a long-running sandbox cannot grow it forever.
 */
export class MemoryNotifier implements Notifier {
  // By payment, in the order payments first appeared: a lookup is one payment's few entries, not a
  // scan of the whole inbox, and the oldest payments go first when the inbox is full.
  private readonly byPayment = new Map<string, { n: Notification; at: number }[]>();
  private count = 0;

  constructor(
    private readonly now: () => number,
    private readonly max = 10_000,
  ) {}

  async send(n: Notification): Promise<void> {
    const list = this.byPayment.get(n.paymentId) ?? [];
    if (list.length === 0) this.byPayment.set(n.paymentId, list);
    list.push({ n, at: this.now() });
    this.count++;
    while (this.count > this.max) {
      const oldest = this.byPayment.keys().next();
      if (oldest.done) break;
      this.count -= this.byPayment.get(oldest.value)?.length ?? 0;
      this.byPayment.delete(oldest.value);
    }
  }

  /** One merchant's notifications (a merchant sees only its own customers'), optionally of one payment. */
  list(merchantId: string, paymentId?: string): SandboxNotificationView[] {
    const items = paymentId === undefined ? [...this.byPayment.values()].flat() : (this.byPayment.get(paymentId) ?? []);
    return items.filter(({ n }) => n.merchantId === merchantId).map(({ n, at }) => {
      const base = { payment_id: n.paymentId, kind: n.kind, to: n.to, created_at: new Date(at).toISOString(), amount: n.amount, currency: n.currency };
      return n.kind === 'otp'
        ? { ...base, otp: n.code.reveal() }
        : { ...base, status: n.status, ...(n.refundId ? { refund_id: n.refundId } : {}) };
    });
  }

  /** The newest one-time code sent for a payment (tests and the sandbox helper use it). */
  latestOtp(paymentId: string): string | undefined {
    const list = this.byPayment.get(paymentId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const n = list[i]?.n;
      if (n && n.kind === 'otp') return n.code.reveal();
    }
    return undefined;
  }
}
