import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { headersOf, leafParts } from './mime.js';

export interface CapturedMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, string>;
  raw: string;
  receivedAt: number;
}

export interface SmtpCapture {
  host: string;
  port: number;
  messages: CapturedMessage[];
  /** Messages to one recipient, oldest first. */
  to(address: string): CapturedMessage[];
  /** Resolves once `count` messages were captured (in real time, up to `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMessage[]>;
  /** While true, every message is refused with 451 (a mail server having a bad day). */
  setFailing(failing: boolean): void;
  clear(): void;
  close(): Promise<void>;
}

/**
 * An SMTP capture server for tests and local runs: accepts any sender and recipient without
 * authentication or TLS, keeps every message in memory, decoded into subject, text and HTML.
 */
export async function startSmtpCapture(o: { port?: number; host?: string } = {}): Promise<SmtpCapture> {
  const messages: CapturedMessage[] = [];
  let failing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failing) {
          const err = Object.assign(new Error('capture server told to fail'), { responseCode: 451 });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = headersOf(raw);
        const parts = leafParts(raw);
        const find = (type: string): string => parts.find((p) => (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith(type))?.body ?? '';
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headers.get('subject') ?? '',
          text: find('text/plain'),
          html: find('text/html'),
          headers,
          raw,
          receivedAt: Date.now(),
        });
        callback();
      });
    },
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // smtp-server re-emits a connection's socket errors on the server: without a listener a client
  // that vanished mid-session (a SIGKILLed sender: ECONNRESET) would take the whole process down.
  server.on('error', () => undefined);
  // smtp-server keeps its net.Server as `server`; the typings do not declare it
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    host,
    port,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address)),
    async waitFor(count, timeoutMs = 5_000) {
      const end = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} messages, captured ${messages.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
    setFailing: (f) => (failing = f),
    clear: () => void messages.splice(0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
