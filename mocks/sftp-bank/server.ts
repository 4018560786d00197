import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection } from 'ssh2';
import { systemClock, type Clock } from '../../src/domain/clock.js';
import { SftpBankCore, type Break, type Executed } from './bank.js';
import { Jail } from './jail.js';
import { AuthorizedKeys, fingerprintOf, generateHostKey, parsePrivateKey } from './keys.js';
import { SftpBankLedger } from './ledger.js';
import { serveSftp } from './sftp-handlers.js';
import type { StatementAccount } from './statement.js';

/**
 * The batch rail's bank: an SSH server on loopback offering only the SFTP subsystem, public key
 * authentication only, over a root with `in/` (customer uploads), `out/` (bank replies) and
 * `archive/` (what the bank has read), and the bank behind it (bank.ts).
 */

export interface SftpBankOptions {
  /** 0 (default): a free port. Listens on 127.0.0.1 only. */
  port?: number;
  /** Default: a fresh temporary directory. */
  root?: string;
  users: Array<{ username: string; publicKey: string }>;
  /** Private host key (PEM or OpenSSH); default a fresh ed25519 key. */
  hostKey?: string;
  clock?: Clock;
  /** JSON-lines journal of the bank's books, replayed at start. */
  journalPath?: string;
  /** The customer's account the statements are about. */
  account: StatementAccount;
  /** Sandbox: run `process()` every N ms. */
  autoProcessMs?: number;
  /** Sandbox: run `closeDay()` every N ms. */
  statementEveryMs?: number;
}

export interface SftpBank {
  port: number;
  root: string;
  /** `SHA256:...` as `ssh-keygen -l` prints it: pin it in the client's host verifier. */
  hostKeySha256: string;
  /** The host key's public half, OpenSSH format (for a known_hosts line). */
  hostPublicKey: string;
  ledger: SftpBankLedger;
  process(): Promise<{ files: string[] }>;
  closeDay(opts?: { date?: string }): Promise<string>;
  inject(b: Break): void;
  executed(endToEndId: string): Executed | undefined;
  /** Waits for files still being written (late replies, the second half of a half-written file). */
  flush(): Promise<void>;
  /** Failures of the background work (timers, late writes), newest last. */
  errors: unknown[];
  stop(): Promise<void>;
}

export async function startSftpBank(opts: SftpBankOptions): Promise<SftpBank> {
  const root = opts.root ?? (await mkdtemp(join(tmpdir(), 'railyard-sftp-bank-')));
  const dirs = { inbox: join(root, 'in'), outbox: join(root, 'out'), archive: join(root, 'archive') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });

  const hostKeyText = opts.hostKey ?? generateHostKey();
  const hostKey = parsePrivateKey(hostKeyText);
  const keys = new AuthorizedKeys(opts.users);
  const jail = new Jail(root);
  const ledger = new SftpBankLedger(opts.journalPath);
  const core = new SftpBankCore(ledger, dirs, opts.account, opts.clock ?? systemClock);

  const clients = new Set<Connection>();
  const server = new ssh2.Server({ hostKeys: [hostKeyText] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    // A client that drops mid-handshake is its own problem, not the bank's: never crash the process.
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && keys.check(ctx)) return ctx.accept();
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        // Only the SFTP subsystem: no shell, no exec (unhandled requests are refused by ssh2).
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), jail));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number | undefined, work: () => Promise<unknown>): void => {
    if (ms === undefined) return;
    const t = setInterval(() => void work().catch((e: unknown) => core.errors.push(e)), ms);
    t.unref();
    timers.push(t);
  };
  every(opts.autoProcessMs, () => core.process());
  every(opts.statementEveryMs, () => core.closeDay());

  return {
    port,
    root,
    hostKeySha256: fingerprintOf(hostKey),
    hostPublicKey: `${hostKey.type} ${hostKey.getPublicSSH().toString('base64')}`,
    ledger,
    process: () => core.process(),
    closeDay: (o) => core.closeDay(o),
    inject: (b) => core.inject(b),
    executed: (id) => core.executed(id),
    flush: () => core.flush(),
    errors: core.errors,
    stop: async () => {
      for (const t of timers) clearInterval(t);
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.idle();
    },
  };
}
