import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Secret } from '../../domain/secret.js';
import type { Notification, Notifier } from '../notifier.js';
import { renderEmail } from './templates.js';

/** How Railyard logs in to the mail server: a password, or an OAuth2 bearer token (XOAUTH2). */
export type SmtpAuth =
  | { type: 'login'; user: string; pass: Secret<string> }
  | {
      type: 'oauth2';
      user: string;
      /** A token to use as is (it expires: give `refresh` too for a long-running server). */
      accessToken?: Secret<string>;
      /** nodemailer fetches new tokens from `accessUrl` (no default: we never call a provider we were not told about). */
      refresh?: { clientId: string; clientSecret: Secret<string>; refreshToken: Secret<string>; accessUrl: string };
    };

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false: plain, then STARTTLS (required unless `requireTLS` is false). */
  secure: boolean;
  /** The sender, e.g. `"Payments" <payments@example.com>`. */
  from: string;
  auth?: SmtpAuth;
  /**
   * Refuse to send unless the connection is TLS (implicit, or STARTTLS). Default true: mails carry
   * one-time codes, and a server that "offers no STARTTLS" may be an attacker who stripped it.
   * Only the sandbox's own loopback capture server turns it off.
   */
  requireTLS?: boolean;
  /** Extra trust for the server's certificate (PEM text of a CA); the system roots are used otherwise. */
  ca?: string;
  /** The name the certificate must carry when `host` is an address or an alias. */
  servername?: string;
  /** Keep connections open and reuse them (nodemailer's pool) instead of one connection per mail. */
  pool?: boolean;
  /**
   * Real milliseconds for connecting and for each SMTP step (default 10 s). Kept under the
   * outbox lease, so a hung server does not get the same mail sent twice by lease recovery.
   */
  timeoutMs?: number;
}

/**
 * Why a mail was not sent, without the server's own words: its replies may quote what we sent
 * (addresses, credentials on a broken server), and this error reaches the outbox's logs.
 */
export class SmtpSendError extends Error {
  override readonly name = 'SmtpSendError';
  constructor(
    /** nodemailer's class of failure: EAUTH, ETLS, ECONNECTION, ETIMEDOUT, EENVELOPE, EMESSAGE, … */
    readonly code: string,
    /** The SMTP reply code when the server answered one (e.g. 535, 451). */
    readonly responseCode?: number,
  ) {
    super(`mail not sent: ${code}${responseCode ? ` (SMTP ${responseCode})` : ''}`);
  }
}

function authOption(a: SmtpAuth): SMTPTransport.Options['auth'] {
  if (a.type === 'login') return { type: 'login', user: a.user, pass: a.pass.reveal() };
  return {
    type: 'OAuth2',
    user: a.user,
    ...(a.accessToken ? { accessToken: a.accessToken.reveal() } : {}),
    ...(a.refresh
      ? { clientId: a.refresh.clientId, clientSecret: a.refresh.clientSecret.reveal(), refreshToken: a.refresh.refreshToken.reveal(), accessUrl: a.refresh.accessUrl }
      : {}),
  };
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
    const requireTLS = settings.requireTLS ?? true;
    this.transport = nodemailer.createTransport({
      ...(settings.pool ? { pool: true as const, maxConnections: 2 } : {}),
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      // with requireTLS nodemailer stops when EHLO offers no STARTTLS, before MAIL FROM or AUTH
      requireTLS: requireTLS && !settings.secure,
      // never "opportunistic only": ignoreTLS would let a stripped STARTTLS pass silently
      ignoreTLS: false,
      tls: {
        // certificate checks stay on; a private CA is added, never a bypass
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(settings.ca ? { ca: settings.ca } : {}),
        ...(settings.servername ? { servername: settings.servername } : {}),
      },
      ...(settings.auth ? { auth: authOption(settings.auth) } : {}),
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
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: n.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: notificationHeaders(n),
      });
    } catch (err) {
      const e = err as { code?: unknown; responseCode?: unknown };
      throw new SmtpSendError(typeof e.code === 'string' ? e.code : 'ESEND', typeof e.responseCode === 'number' ? e.responseCode : undefined);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * Machine-readable facts of the mail, all already in its text (never the code): receivers and the
 * sandbox inbox (src/notify/sandbox-inbox.ts) read them instead of parsing prose.
 */
export function notificationHeaders(n: Notification): Record<string, string> {
  return {
    'X-Railyard-Payment': n.paymentId,
    'X-Railyard-Kind': n.kind,
    'X-Railyard-Amount': `${n.amount} ${n.currency}`,
    ...(n.kind === 'result' ? { 'X-Railyard-Status': n.status, ...(n.refundId ? { 'X-Railyard-Refund': n.refundId } : {}) } : {}),
  };
}
