import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { secret } from '../../../src/domain/secret.js';
import { SftpTransport, TransportError, withRetry, type SftpProfile, type SftpSession } from '../../../src/batch/transport/index.js';
import { startSshd, type SshdFixture } from '../sshd.js';
import { bytes, profileFor, waitFor } from './helpers.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

let sshd: SshdFixture;
let readOnly: SshdFixture;
let keyDir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  readOnly = await startSshd({ root: sshd.root, readOnly: true });
  keyDir = mkdtempSync(join(tmpdir(), 'railyard-keys-'));
});
afterAll(async () => {
  await Promise.all([sshd?.stop(), readOnly?.stop()]);
  rmSync(keyDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function transport(profile: SftpProfile): SftpTransport {
  const t = new SftpTransport(profile);
  cleanups.push(() => t.close());
  return t;
}

async function proxy(): Promise<TcpProxy> {
  const p = await startProxy(sshd.port);
  cleanups.push(() => p.close());
  return p;
}

function otherUserKey(): string {
  const path = join(keyDir, `k${Date.now()}${Math.random()}`);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  if (r.status !== 0) throw new Error('ssh-keygen failed');
  return readFileSync(path, 'utf8');
}

const elapsed = async (f: () => Promise<unknown>): Promise<[number, unknown]> => {
  const t0 = performance.now();
  const outcome = await f().then(
    (v) => v,
    (e: unknown) => e,
  );
  return [performance.now() - t0, outcome];
};

describe('host key pinning', () => {
  it('refuses a server whose key is not pinned before any authentication is attempted', async () => {
    const wrongPin = `SHA256:${Buffer.alloc(32, 9).toString('base64').replace(/=+$/, '')}`;
    const before = sshd.log().length;
    const t = transport(profileFor(sshd, { hostKeySha256: [wrongPin] }));
    const error = await t.list('.').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind: 'host_key', retryable: false, op: 'connect' });
    expect((error as Error).message).toContain(sshd.hostKeySha256);
    // sshd logs the end of the connection; by then it would have logged any key offered
    await waitFor(() => /Connection closed by|Disconnected from|Connection reset/.test(sshd.log().slice(before)));
    const session = sshd.log().slice(before);
    expect(session).not.toMatch(/publickey|Accepted key|Failed|userauth/i);

    // control: with the right pin among two (rotation), the same log shows the key being used
    const mark = sshd.log().length;
    const ok = transport(profileFor(sshd, { hostKeySha256: [wrongPin, sshd.hostKeySha256] }));
    expect(await ok.list('.')).toEqual(expect.any(Array));
    await waitFor(() => /Accepted publickey/.test(sshd.log().slice(mark)));
  });
});

describe('errors that must not be retried', () => {
  it('a key the server does not know fails as auth, at once, without key material in the message', async () => {
    const key = otherUserKey();
    const t = transport(profileFor(sshd, { privateKey: secret(key) }));
    const retries: unknown[] = [];
    const r = withRetry(t, { attempts: 4, baseMs: 1, maxMs: 2, clock: systemClock, onRetry: (e) => retries.push(e) });
    const error = await r.list('.').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(retries).toEqual([]);
    const body = key.split('\n')[1] ?? 'unreachable';
    expect(String(error)).not.toContain(body);
    expect(JSON.stringify(error)).not.toContain(body);
  });

  it('an unreadable key fails as auth too', async () => {
    const t = transport(profileFor(sshd, { privateKey: secret('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAgarbage\n-----END OPENSSH PRIVATE KEY-----\n') }));
    const error = await t.list('.').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(String(error)).not.toContain('AAAAgarbage');
  });

  it('a write the server forbids fails as permission and leaves nothing behind', async () => {
    mkdirSync(join(sshd.root, 'ro'), { recursive: true });
    const t = transport(profileFor(readOnly));
    const retries: unknown[] = [];
    const r = withRetry(t, { attempts: 4, baseMs: 1, maxMs: 2, clock: systemClock, onRetry: (e) => retries.push(e) });
    expect(await r.list('ro')).toEqual([]);
    await expect(r.upload('ro', 'a.xml', Buffer.from('x'))).rejects.toMatchObject({ kind: 'permission', retryable: false, op: 'upload' });
    expect(retries).toEqual([]);
    expect(readdirSync(join(sshd.root, 'ro'))).toEqual([]);
  });
});

describe('broken networks', () => {
  it('a connection dropped mid-upload fails fast, and the retry on a new connection succeeds', async () => {
    const p = await proxy();
    const dir = 'dropped';
    mkdirSync(join(sshd.root, dir), { recursive: true });
    const t = transport(profileFor(sshd, { port: p.port, timeouts: { connectMs: 3000, operationMs: 2000, endMs: 500 } }));
    const data = bytes(8 * 1024 * 1024, 5);
    p.faultAfter(2 * 1024 * 1024, 'drop');
    const retries: TransportError[] = [];
    const r = withRetry(t, { attempts: 3, baseMs: 10, maxMs: 50, clock: systemClock, onRetry: (e) => retries.push(e) });
    const [ms, result] = await elapsed(() => r.upload(dir, 'big.xml', data));
    expect(result).toEqual({ name: 'big.xml', size: data.length });
    expect(retries.map((e) => [e.kind, e.retryable])).toEqual([['connection', true]]);
    expect(p.connections).toBe(2);
    expect(ms).toBeLessThan(2000);
    expect(readFileSync(join(sshd.root, dir, 'big.xml')).equals(data)).toBe(true);
    expect(readdirSync(join(sshd.root, dir))).toEqual(['big.xml']);
  });

  it('a connection that hangs mid-upload times out after operationMs, and the retry succeeds', async () => {
    const p = await proxy();
    const dir = 'hung';
    mkdirSync(join(sshd.root, dir), { recursive: true });
    const t = transport(profileFor(sshd, { port: p.port, timeouts: { connectMs: 3000, operationMs: 700, endMs: 300 } }));
    const data = bytes(6 * 1024 * 1024, 6);
    p.faultAfter(1024 * 1024, 'hang');
    const retries: TransportError[] = [];
    const r = withRetry(t, { attempts: 3, baseMs: 10, maxMs: 50, clock: systemClock, onRetry: (e) => retries.push(e) });
    const [ms, result] = await elapsed(() => r.upload(dir, 'big.xml', data));
    expect(result).toEqual({ name: 'big.xml', size: data.length });
    expect(retries.map((e) => [e.kind, e.retryable, e.op])).toEqual([['timeout', true, 'upload']]);
    expect(ms).toBeGreaterThanOrEqual(690);
    expect(ms).toBeLessThan(700 + 3000);
    expect(readFileSync(join(sshd.root, dir, 'big.xml')).equals(data)).toBe(true);
  });

  it('a server that never answers times out within connectMs', async () => {
    const p = await proxy();
    p.hang();
    const t = transport(profileFor(sshd, { port: p.port, timeouts: { connectMs: 600, operationMs: 5000, endMs: 300 } }));
    const [ms, error] = await elapsed(() => t.list('.'));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, op: 'connect' });
    expect(ms).toBeGreaterThanOrEqual(590);
    expect(ms).toBeLessThan(1500);
  });

  it('a hanging end() is bounded by endMs; a closed transport dials again on next use', async () => {
    const p = await proxy();
    const t = transport(profileFor(sshd, { port: p.port, timeouts: { connectMs: 3000, operationMs: 3000, endMs: 400 } }));
    await t.list('.');
    p.hang();
    const [ms] = await elapsed(() => t.close());
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(1200);
    // a fresh path to the server: the closed transport dials again
    const direct = transport(profileFor(sshd));
    await direct.list('.');
    await direct.close();
    expect(await direct.list('.')).toEqual(expect.any(Array));
  });
});

describe('connection lifecycle', () => {
  it('keeps one connection across operations and opens a new one after any error', async () => {
    const p = await proxy();
    mkdirSync(join(sshd.root, 'life'), { recursive: true });
    const t = transport(profileFor(sshd, { port: p.port }));
    await t.upload('life', 'a.xml', Buffer.from('a'));
    await t.list('life');
    await t.stat('life', 'a.xml');
    expect(p.connections).toBe(1);
    await expect(t.download('life', 'missing.xml')).rejects.toMatchObject({ kind: 'not_found' });
    expect(p.connections).toBe(1);
    expect(await t.list('life')).toHaveLength(1);
    expect(p.connections).toBe(2);
  });

  it('runs one operation at a time on a connection, in call order', async () => {
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const track =
      <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        inFlight++;
        most = Math.max(most, inFlight);
        order.push(`${name} ${String(a[0])}`);
        try {
          return await f(...a);
        } finally {
          inFlight--;
        }
      };
    const counting = (s: SftpSession): SftpSession => ({ ...s, list: track('list', s.list), put: track('put', s.put), stat: track('stat', s.stat) });
    mkdirSync(join(sshd.root, 'serial'), { recursive: true });
    const t = new SftpTransport(profileFor(sshd), { wrapSession: counting });
    cleanups.push(() => t.close());
    await Promise.all([t.upload('serial', 'a.xml', bytes(500_000)), t.list('serial'), t.upload('serial', 'b.xml', bytes(500_000)), t.list('serial')]);
    expect(most).toBe(1);
    expect(order.map((o) => o.split(' ')[0])).toEqual(['put', 'stat', 'list', 'put', 'stat', 'list']);
  });

  it('a done file that failed to write is written on the retry, without a second copy of the data', async () => {
    let failDone = 1;
    const flaky = (s: SftpSession): SftpSession => ({
      ...s,
      put: async (src, path, chunk) => {
        if (path.endsWith('.done') && failDone-- > 0) {
          src.destroy();
          throw Object.assign(new Error('connection reset while writing'), { code: 'ECONNRESET' });
        }
        return s.put(src, path, chunk);
      },
    });
    mkdirSync(join(sshd.root, 'trigger'), { recursive: true });
    const t = new SftpTransport(profileFor(sshd, { renameMode: 'free-name' }), { wrapSession: flaky });
    cleanups.push(() => t.close());
    const retrying = withRetry(t, { attempts: 3, baseMs: 10, maxMs: 20, clock: systemClock });
    const placed = await retrying.upload('trigger', 'pain.xml', bytes(10_000), { doneFile: 'pain.xml.done' });
    expect(placed.name).toBe('pain.xml');
    expect(readdirSync(join(sshd.root, 'trigger')).sort()).toEqual(['pain.xml', 'pain.xml.done']);
  });
});
