/**
 * The banks of a simulation run, in their own process so they outlive every SIGKILL of Railyard
 * (as real banks do): the ISO 8583 card host, the ISO 20022 bank, the SFTP batch bank and an SMTP
 * capture standing in for the customers' mailboxes. Their books are journaled in the data dir
 * given on the command line; the simulator reads those journals for its invariants.
 *
 * A loopback admin HTTP port serves what the simulator needs while the run goes on:
 *   GET  /otp?to=EMAIL                 the last one-time code mailed to that customer
 *   POST /fault {bank, fault, on?}     a fault of the bank's own fault controls, for its next request
 *   POST /reset                        clears queued faults (ledgers are kept)
 *   GET  /ledgers                      the three ledgers as JSON (for debugging a failing seed)
 * On start it prints one JSON line: where everything listens, the SFTP host key pin and login key.
 *
 *   node --import tsx test/sim/banks-process.ts '{"dataDir":"...","callbackUrl":"...","lateReplyMs":4000}'
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIso20022Bank, type BankFault, type BankFlow } from '../../mocks/iso20022-bank/index.js';
import { startIso8583Host, type HostFault, type HostTxnKind } from '../../mocks/iso8583-host/index.js';
import { generateUserKey, startSftpBank, type Break } from '../../mocks/sftp-bank/index.js';
import { startSmtpCapture } from '../../mocks/smtp/index.js';
import { credentialFromPem } from '../../src/trust/keys.js';
import { createSelfSignedSigningCertificate } from '../../src/trust/self-signed.js';

export interface BanksOptions {
  dataDir: string;
  /** Railyard's inbound route for demo-sepa's pushed status reports. */
  callbackUrl: string;
  /** When the late-reply card (4000000000000259) is answered; above the connector's call timeout. */
  lateReplyMs: number;
  settleAfterMs: number;
  /** The batch bank answers files this often. */
  autoProcessMs: number;
}

export interface BanksReady {
  admin: number;
  cardPort: number;
  sepaUrl: string;
  sftpPort: number;
  sftpHostKeySha256: string;
  sftpPrivateKey: string;
  smtpPort: number;
  /** The SEPA bank's signing certificate (PEM file): production demo-sepa refuses unsigned pushes. */
  sepaCertificatePath: string;
}

export const CARD_JOURNAL = 'iso8583-host.jsonl';
export const SEPA_JOURNAL = 'iso20022-bank.jsonl';
export const BATCH_JOURNAL = 'sftp-bank.jsonl';
/** The batch bank's own account (the merchant's collection account its statements are about). */
export const BATCH_ACCOUNT = { name: 'Sim Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX', currency: 'EUR' };

export type FaultRequest =
  | { bank: 'card'; fault: HostFault | 'drop_link'; on?: HostTxnKind }
  | { bank: 'sepa'; fault: BankFault; on: BankFlow }
  | { bank: 'batch'; fault: Break['kind'] };

export const BANKS_ERRORS = 'banks-errors.log';

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as BanksOptions;
  mkdirSync(o.dataDir, { recursive: true });
  // A real bank does not go down because a client vanished mid-connection. A simulator that would
  // (an unhandled socket error when Railyard is SIGKILLed) keeps running; the error is kept for the
  // report, since it is a defect of the simulator, not of Railyard.
  const keep = (err: unknown): void => {
    appendFileSync(join(o.dataDir, BANKS_ERRORS), `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  };
  process.on('uncaughtException', keep);
  process.on('unhandledRejection', keep);
  const host = await startIso8583Host({ port: 0, host: '127.0.0.1', dialect: 'demo-card', lateReplyMs: o.lateReplyMs, journalPath: join(o.dataDir, CARD_JOURNAL) });
  // The bank signs its replies and pushes, as production demo-sepa requires of a bank that pushes.
  const bankSigning = await createSelfSignedSigningCertificate('sim-sepa-bank');
  const sepaCertificatePath = join(o.dataDir, 'sepa-bank.pem');
  writeFileSync(sepaCertificatePath, bankSigning.certificatePem);
  const signer = credentialFromPem(bankSigning.certificatePem, bankSigning.privateKeyPem, { purpose: 'sign' });
  const bank = await startIso20022Bank({ port: 0, host: '127.0.0.1', settleAfterMs: o.settleAfterMs, callbackUrl: o.callbackUrl, journalPath: join(o.dataDir, SEPA_JOURNAL), signer });
  const login = generateUserKey('railyard-sim');
  const root = join(o.dataDir, 'sftp-bank');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const sftp = await startSftpBank({
    port: 0,
    root,
    users: [{ username: 'railyard', publicKey: login.public }],
    account: BATCH_ACCOUNT,
    journalPath: join(o.dataDir, BATCH_JOURNAL),
    autoProcessMs: o.autoProcessMs,
    statementEveryMs: 5_000,
  });
  const smtp = await startSmtpCapture({ host: '127.0.0.1', port: 0 });

  const fault = (f: FaultRequest): void => {
    if (f.bank === 'card') {
      if (f.fault === 'drop_link') host.dropConnections();
      else host.inject(f.fault, f.on);
    } else if (f.bank === 'sepa') bank.inject(f.fault, f.on);
    else if (f.fault === 'late_reply') sftp.inject({ kind: 'late_reply', delayMs: 3_000 });
    else sftp.inject({ kind: f.fault } as Break);
  };

  const admin = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/otp') {
      const mails = smtp.to(url.searchParams.get('to') ?? '');
      // The code stands alone on an indented line of the text part (src/notify/email/templates.ts).
      const codes = mails.map((m) => /^\s{4}(\S+)\s*$/m.exec(m.text)?.[1]).filter((c): c is string => c !== undefined);
      send(res, 200, { code: codes[codes.length - 1] ?? null, count: codes.length });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/fault') {
      fault(JSON.parse(await body(req)) as FaultRequest);
      send(res, 200, { ok: true });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/reset') {
      host.reset();
      bank.clearFaults();
      send(res, 200, { ok: true });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/ledgers') {
      send(res, 200, { card: host.ledger.entries(), sepa: bank.ledger.entries(), batch: [...sftp.ledger.transactions.values()] });
      return;
    }
    send(res, 404, { error: 'not found' });
  };
  await new Promise<void>((r) => admin.listen(0, '127.0.0.1', r));
  const ready: BanksReady = {
    admin: (admin.address() as { port: number }).port,
    cardPort: host.port,
    sepaUrl: bank.url,
    sftpPort: sftp.port,
    sftpHostKeySha256: sftp.hostKeySha256,
    sftpPrivateKey: login.private,
    smtpPort: smtp.port,
    sepaCertificatePath,
  };
  process.stdout.write(`${JSON.stringify({ ready })}\n`);

  const stop = (): void => {
    admin.close();
    Promise.allSettled([host.close(), bank.close(), sftp.stop(), smtp.close()]).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (process.argv[1]?.endsWith('banks-process.ts')) await main();
