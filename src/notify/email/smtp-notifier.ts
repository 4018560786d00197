import nodemailer, { type Transporter } from 'nodemailer';
import type { Notification, Notifier } from '../notifier.js';
import { renderEmail } from './templates.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  /** The sender, e.g. `"Payments" <payments@example.com>`. */
  from: string;
  auth?: { user: string; pass: string };
  /**
   * Real milliseconds for connecting and for each SMTP step (default 10 s). Kept under the
   * outbox lease, so a hung server does not get the same mail sent twice by lease recovery.
   */
  timeoutMs?: number;
}

/**
 * Customer email over SMTP. A failure throws: the outbox puts the notify command back with a
 * backoff and the payment never waits for it. The mail is built only here, so the one-time code
 * is revealed only for the message that carries it.
 */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    const timeout = settings.timeoutMs ?? 10_000;
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.auth ? { auth: settings.auth } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // nodemailer logs nothing unless asked; keep it that way (messages carry codes)
      logger: false,
      debug: false,
    });
  }

  async send(n: Notification): Promise<void> {
    const mail = renderEmail(n);
    await this.transport.sendMail({
      from: this.settings.from,
      to: n.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { 'X-Railyard-Payment': n.paymentId },
    });
  }

  close(): void {
    this.transport.close();
  }
}
