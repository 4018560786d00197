/**
 * Mail that cannot be read or forged on the way (issue 12): TLS required by default, certificate
 * checked, login (password or OAuth2) when the server asks. Real smtp-server instances on loopback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { Secret } from '../../src/domain/secret.js';
import { SmtpNotifier, SmtpSendError, type SmtpSettings } from '../../src/notify/email/smtp-notifier.js';
import type { Notification } from '../../src/notify/notifier.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'Tr0ub4dor&3-wrong';

let dir: string;
let cert: string;
let key: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'railyard-smtp-tls-'));
  // a throwaway server certificate for 127.0.0.1, trusted only where a test passes it as the CA
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  key = readFileSync(join(dir, 'key.pem'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Received {
  secure: boolean;
  user?: string;
  method?: string;
  data: string;
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** An smtp-server on a free loopback port; what it received and who logged in. */
async function smtp(options: SMTPServerOptions): Promise<{ port: number; received: Received[]; mailFrom: number }> {
  const state = { received: [] as Received[], mailFrom: 0, port: 0 };
  const server = new SMTPServer({
    logger: false,
    ...options,
    onMailFrom(_address, _session, cb) {
      state.mailFrom++;
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const user = typeof session.user === 'string' ? session.user : undefined;
        state.received.push({ secure: session.secure, ...(user ? { user } : {}), data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return state;
}

const otp = (): Notification => ({
  kind: 'otp',
  paymentId: 'pay_01JSMTPSECURITY0000000000',
  merchantId: 'mch_shop',
  merchantName: 'Shop',
  to: 'shopper@example.test',
  code: new Secret('481516'),
  amount: 1999,
  currency: 'EUR',
  expiresAt: Date.now() + 60_000,
});

const notifier = (port: number, over: Partial<SmtpSettings> = {}): SmtpNotifier => new SmtpNotifier({ host: '127.0.0.1', port, secure: false, from: 'payments@railyard.test', timeoutMs: 3_000, ...over });

async function sendError(n: SmtpNotifier): Promise<SmtpSendError> {
  try {
    await n.send(otp());
  } catch (err) {
    expect(err).toBeInstanceOf(SmtpSendError);
    return err as SmtpSendError;
  } finally {
    n.close();
  }
  throw new Error('mail was sent');
}

describe('SMTP transport security', () => {
  it('refuses a server that offers no STARTTLS (requireTLS is the default): nothing is sent, not even MAIL FROM', async () => {
    const plain = await smtp({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'] });
    const err = await sendError(notifier(plain.port));
    expect(err.code).toBe('ETLS');
    expect(plain.mailFrom).toBe(0);
    expect(plain.received).toEqual([]);
  });

  it('refuses a TLS server whose certificate it cannot verify', async () => {
    const tls = await smtp({ key, cert, authOptional: true, disabledCommands: ['AUTH'] });
    const err = await sendError(notifier(tls.port));
    expect(['ETLS', 'ESOCKET']).toContain(err.code);
    expect(tls.received).toEqual([]);
  });

  it('sends over STARTTLS with a password to a server that requires login, trusting the configured CA', async () => {
    const server = await smtp({
      key,
      cert,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'railyard' && auth.password === PASSWORD) cb(null, { user: 'railyard' });
        else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
    });
    const n = notifier(server.port, { ca: cert, auth: { type: 'login', user: 'railyard', pass: new Secret(PASSWORD) } });
    await n.send(otp());
    n.close();
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({ secure: true, user: 'railyard' });
    expect(server.received[0]?.data).toContain('481516');
  });

  it('refuses wrong credentials without echoing the password anywhere in the error', async () => {
    const server = await smtp({
      key,
      cert,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, cb) {
        // a careless server that quotes the credentials back in its reply
        cb(Object.assign(new Error(`Invalid login ${auth.username}/${String(auth.password)}`), { responseCode: 535 }));
      },
    });
    const err = await sendError(notifier(server.port, { ca: cert, auth: { type: 'login', user: 'railyard', pass: new Secret(WRONG) } }));
    expect(err.code).toBe('EAUTH');
    expect(err.responseCode).toBe(535);
    for (const text of [err.message, String(err), inspect(err), JSON.stringify(err), String(err.stack)]) expect(text).not.toContain(WRONG);
    expect(server.received).toEqual([]);
  });

  it('logs in with an OAuth2 bearer token (XOAUTH2)', async () => {
    const seen: { method?: string; token?: string } = {};
    const server = await smtp({
      key,
      cert,
      authMethods: ['XOAUTH2'],
      onAuth(auth, _session, cb) {
        seen.method = auth.method;
        seen.token = auth.accessToken;
        cb(null, { user: auth.username });
      },
    });
    const n = notifier(server.port, { ca: cert, auth: { type: 'oauth2', user: 'railyard@example.test', accessToken: new Secret('ya29.test-token') } });
    await n.send(otp());
    n.close();
    expect(seen).toEqual({ method: 'XOAUTH2', token: 'ya29.test-token' });
    expect(server.received[0]).toMatchObject({ secure: true, user: 'railyard@example.test' });
  });
});

describe('notifications.smtp configuration', () => {
  const base = {
    security: { data_keys: [{ id: 'k1', key_base64: Buffer.alloc(32, 1).toString('base64') }], active_data_key: 'k1', mac_key_base64: Buffer.alloc(32, 2).toString('base64'), audit_keys: [{ id: 'au1', key_base64: Buffer.alloc(32, 4).toString('base64') }] },
    merchants: [{ id: 'shop', name: 'Shop', api_keys: [{ sha256: 'a'.repeat(64) }] }],
    connectors: [{ id: 'sandbox', type: 'sandbox' }],
  };
  const withSmtp = (smtp: Record<string, unknown>, env: Record<string, string> = {}) => resolveConfig({ ...base, notifications: { smtp: { host: 'mail.example', port: 587, from: 'p@example.com', ...smtp } } }, { env, baseDir: dir });

  it('requires TLS by default, reads the password from the environment and the CA from a file', () => {
    writeFileSync(join(dir, 'ca.pem'), cert);
    const s = withSmtp({ auth: { user: 'railyard', pass_env: 'SMTP_PASS' }, tls: { ca_file: 'ca.pem' } }, { SMTP_PASS: PASSWORD }).notifications?.smtp;
    expect(s).toMatchObject({ requireTLS: true, secure: false, ca: cert, auth: { type: 'login', user: 'railyard' } });
    expect(s?.auth?.type === 'login' && s.auth.pass.reveal()).toBe(PASSWORD);
    // the password never shows when the configuration is logged or serialised
    expect(JSON.stringify(s)).not.toContain(PASSWORD);
    expect(inspect(s, { depth: 5 })).not.toContain(PASSWORD);
  });

  it('names the key at fault', () => {
    expect(() => withSmtp({ auth: { user: 'railyard', pass_env: 'SMTP_PASS' } })).toThrow(/notifications\.smtp\.auth\.pass_env: environment variable SMTP_PASS is not set/);
    expect(() => withSmtp({ auth: { user: 'railyard', pass: 'x' }, require_tls: false })).toThrow(/notifications\.smtp\.require_tls/);
    expect(() => withSmtp({ tls: { ca_file: 'missing.pem' } })).toThrow(/notifications\.smtp\.tls\.ca_file/);
    expect(() => withSmtp({ auth: { type: 'oauth2', user: 'u', client_id: 'c' } })).toThrow(/notifications\.smtp\.auth/);
    expect(() => withSmtp({ tls: { reject_unauthorized: false } })).toThrow(/notifications\.smtp\.tls\.reject_unauthorized: unknown key/);
  });
});
