import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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

export interface SmtpCaptureOptions {
  port?: number;
  host?: string;
  /**
   * Append-only JSON lines file: every message is written (and fsynced) there before the server
   * answers 250, and read back at start, so what was received outlives a crash of the process.
   * The sandbox keeps it in its data directory (the inbox holds one-time codes: mode 0600).
   */
  journalPath?: string;
  /** Messages kept (memory and journal, newest win) when a journal is used; default 5,000. */
  maxMessages?: number;
}

/** One journal line: a captured message with its headers as pairs. */
interface JournalLine {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: [string, string][];
  raw: string;
  receivedAt: number;
}

const toLine = (m: CapturedMessage): string => `${JSON.stringify({ ...m, headers: [...m.headers] } satisfies JournalLine)}\n`;

/** The journal's messages, oldest first; a torn last line (a crash mid-write) is skipped. */
function readJournal(path: string): CapturedMessage[] {
  if (!existsSync(path)) return [];
  const out: CapturedMessage[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const j = JSON.parse(line) as JournalLine;
      out.push({ ...j, headers: new Map(j.headers) });
    } catch {
      // only the last line can be torn: it was never acknowledged, so the sender will retry it
    }
  }
  return out;
}

/** Rewrites the journal with the newest `keep` messages (tmp file + rename: never half a journal). */
function compactJournal(path: string, messages: CapturedMessage[], keep: number): CapturedMessage[] {
  if (messages.length <= keep) return messages;
  const kept = messages.slice(-keep);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, kept.map(toLine).join(''), { mode: 0o600 });
  renameSync(tmp, path);
  return kept;
}

/**
 * An SMTP capture server for tests, local runs and the sandbox: accepts any sender and recipient
 * without authentication or TLS (it listens on loopback only), keeps every message decoded into
 * subject, text and HTML, optionally journaled to disk.
 */
export async function startSmtpCapture(o: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const max = o.maxMessages ?? 5_000;
  const messages: CapturedMessage[] = o.journalPath ? compactJournal(o.journalPath, readJournal(o.journalPath), max) : [];
  const journal = o.journalPath ? openSync(o.journalPath, 'a', 0o600) : null;
  const record = (m: CapturedMessage): void => {
    if (journal !== null) {
      writeSync(journal, toLine(m));
      fsyncSync(journal);
    }
    messages.push(m);
    if (journal !== null && messages.length > max) messages.splice(0, messages.length - max);
  };
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
        const message: CapturedMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headers.get('subject') ?? '',
          text: find('text/plain'),
          html: find('text/html'),
          headers,
          raw,
          receivedAt: Date.now(),
        };
        try {
          record(message);
        } catch {
          // not on disk: not accepted, so the sender keeps the mail and tries again
          callback(Object.assign(new Error('capture journal unavailable'), { responseCode: 451 }));
          return;
        }
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
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          if (journal !== null) closeSync(journal);
          resolve();
        }),
      ),
  };
}
