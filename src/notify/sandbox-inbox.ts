/**
 * The sandbox's customer inbox, fed by real mail: the sandbox runs the SMTP capture server
 * (mocks/smtp) in process on a loopback port, customer notifications go to it through the same
 * SmtpNotifier production uses, and GET /sandbox/notifications reads what that server received.
 * So every sandbox payment exercises the real mail path (rendering, MIME, SMTP), and the inbox is
 * only what a customer's mailbox would really hold.
 *
 * The capture server journals each message to the data directory before it answers 250, so after
 * a crash and restart the one-time code of a waiting payment can still be read (issue 11).
 */
import { join } from 'node:path';
import type { CapturedMessage, SmtpCapture } from '../../mocks/smtp/index.js';
import type { Store } from '../store/types.js';
import { SmtpNotifier } from './email/smtp-notifier.js';
import type { SandboxNotificationView } from './notifier.js';

/** What GET /sandbox/notifications reads (the in-memory inbox of tests implements it too). */
export interface SandboxInbox {
  list(merchantId: string, paymentId?: string): SandboxNotificationView[] | Promise<SandboxNotificationView[]>;
}

/** The journal file in the data directory; it holds one-time codes in clear (sandbox only, mode 0600). */
export const SANDBOX_MAIL_JOURNAL = 'sandbox-mail.jsonl';

const SANDBOX_FROM = '"Railyard sandbox" <payments@sandbox.railyard.invalid>';

/** The code line of the one-time-code mail (src/notify/email/templates.ts indents it by four spaces). */
const CODE_LINE = /^ {4}(\S+)\s*$/m;

/** A captured mail as the sandbox's view, or null when it is not a Railyard notification. */
export function parseNotificationMail(m: CapturedMessage): SandboxNotificationView | null {
  const paymentId = m.headers.get('x-railyard-payment');
  const kind = m.headers.get('x-railyard-kind');
  const [amount, currency] = (m.headers.get('x-railyard-amount') ?? '').split(' ');
  if (!paymentId || (kind !== 'otp' && kind !== 'result') || !amount || !/^\d+$/.test(amount) || !currency) return null;
  const base = { payment_id: paymentId, kind, to: m.to[0] ?? '', created_at: new Date(m.receivedAt).toISOString(), amount: Number(amount), currency } as const;
  if (kind === 'otp') {
    const otp = CODE_LINE.exec(m.text)?.[1];
    return otp ? { ...base, otp } : null;
  }
  const refund = m.headers.get('x-railyard-refund');
  return { ...base, status: m.headers.get('x-railyard-status') ?? '', ...(refund ? { refund_id: refund } : {}) };
}

export class SmtpSandboxInbox implements SandboxInbox {
  /** Payments never change merchant: remembered once looked up. */
  private readonly owners = new Map<string, string | null>();

  private constructor(
    private readonly capture: SmtpCapture,
    private readonly store: Store,
    /** Sends to the capture server over loopback; the sandbox's customer channel. */
    readonly notifier: SmtpNotifier,
  ) {}

  static async start(o: { dataDir: string; store: Store }): Promise<SmtpSandboxInbox> {
    // loaded on demand, as the bank simulators are: production never loads the mocks
    const { startSmtpCapture } = await import('../../mocks/smtp/index.js');
    const capture = await startSmtpCapture({ host: '127.0.0.1', port: 0, journalPath: join(o.dataDir, SANDBOX_MAIL_JOURNAL) });
    // Plain SMTP on loopback to our own capture server: nothing crosses a network, so requireTLS
    // (on by default everywhere else) is off for this one transport only.
    const notifier = new SmtpNotifier({ host: capture.host, port: capture.port, secure: false, requireTLS: false, from: SANDBOX_FROM, timeoutMs: 5_000, pool: true });
    return new SmtpSandboxInbox(capture, o.store, notifier);
  }

  /** One merchant's notifications (a merchant sees only its own customers'), oldest first. */
  async list(merchantId: string, paymentId?: string): Promise<SandboxNotificationView[]> {
    const out: SandboxNotificationView[] = [];
    for (const m of this.capture.messages) {
      const view = parseNotificationMail(m);
      if (!view || (paymentId !== undefined && view.payment_id !== paymentId)) continue;
      if ((await this.ownerOf(view.payment_id)) === merchantId) out.push(view);
    }
    return out;
  }

  async close(): Promise<void> {
    this.notifier.close();
    await this.capture.close();
  }

  private async ownerOf(paymentId: string): Promise<string | null> {
    const known = this.owners.get(paymentId);
    if (known !== undefined) return known;
    const owner = (await this.store.getPayment(paymentId))?.merchantId ?? null;
    // an unknown payment is not cached: its row may be committed a moment after its mail arrived
    if (owner !== null) this.owners.set(paymentId, owner);
    return owner;
  }
}
