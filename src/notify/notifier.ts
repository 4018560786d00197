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
  private readonly items: { n: Notification; at: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly max = 10_000,
  ) {}

  async send(n: Notification): Promise<void> {
    this.items.push({ n, at: this.now() });
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  list(paymentId?: string): SandboxNotificationView[] {
    return this.items
      .filter((i) => paymentId === undefined || i.n.paymentId === paymentId)
      .map(({ n, at }) => {
        const base = { payment_id: n.paymentId, kind: n.kind, to: n.to, created_at: new Date(at).toISOString(), amount: n.amount, currency: n.currency };
        return n.kind === 'otp'
          ? { ...base, otp: n.code.reveal() }
          : { ...base, status: n.status, ...(n.refundId ? { refund_id: n.refundId } : {}) };
      });
  }

  /** The newest one-time code sent for a payment (tests and the sandbox helper use it). */
  latestOtp(paymentId: string): string | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const n = this.items[i]?.n;
      if (n && n.kind === 'otp' && n.paymentId === paymentId) return n.code.reveal();
    }
    return undefined;
  }
}
