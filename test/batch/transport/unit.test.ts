import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { secret } from '../../../src/domain/secret.js';
import {
  MemoryTransport,
  ProfileError,
  SftpTransport,
  TransportError,
  backoffDelay,
  validateSftpProfile,
  withRetry,
  type SftpProfile,
} from '../../../src/batch/transport/index.js';
import { classify, redact } from '../../../src/batch/transport/classify.js';
import { EXPIRED, withDeadline } from '../../../src/batch/transport/deadline.js';
import { numberedName, remoteName } from '../../../src/batch/transport/names.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const PIN = `SHA256:${'A'.repeat(43)}`;
const profile = (over: Partial<SftpProfile> = {}): SftpProfile => ({
  host: 'sftp.bank.example',
  port: 22,
  username: 'acme',
  privateKey: secret(KEY),
  hostKeySha256: [PIN],
  renameMode: 'posix',
  timeouts: { connectMs: 1000, operationMs: 1000, endMs: 1000 },
  ...over,
});

describe('remote names', () => {
  it('keeps only the basename and refuses names that address no file', () => {
    expect(remoteName('../../x', 'upload')).toBe('x');
    expect(remoteName('a/b\\c.xml', 'upload')).toBe('c.xml');
    for (const bad of ['', '.', '..', 'dir/', 'x/..', 'a\0b']) {
      expect(() => remoteName(bad, 'upload')).toThrow(TransportError);
    }
  });

  it('numbers a name before its extension, and treats a leading dot as part of the name', () => {
    expect(numberedName('pain.001.xml', 2)).toBe('pain.001-2.xml');
    expect(numberedName('README', 1)).toBe('README-1');
    expect(numberedName('.hidden', 1)).toBe('.hidden-1');
    expect(numberedName('x.xml', 0)).toBe('x.xml');
  });
});

describe('sftp profile validation', () => {
  it('refuses to construct without a pinned host key, naming the field', () => {
    expect(() => new SftpTransport(profile({ hostKeySha256: [] }))).toThrow(/hostKeySha256 is empty/);
    try {
      validateSftpProfile(profile({ hostKeySha256: [] }));
    } catch (e) {
      expect(e).toBeInstanceOf(ProfileError);
      expect((e as ProfileError).field).toBe('hostKeySha256');
    }
  });

  it('names the bad field for each kind of mistake', () => {
    const field = (p: SftpProfile): string | undefined => {
      try {
        validateSftpProfile(p);
        return undefined;
      } catch (e) {
        return (e as ProfileError).field;
      }
    };
    expect(field(profile())).toBeUndefined();
    expect(field(profile({ hostKeySha256: [PIN, `SHA256:${'B'.repeat(43)}`] }))).toBeUndefined();
    expect(field(profile({ hostKeySha256: [PIN, PIN, PIN] }))).toBe('hostKeySha256');
    expect(field(profile({ hostKeySha256: ['MD5:aa:bb'] }))).toBe('hostKeySha256[0]');
    expect(field(profile({ port: 0 }))).toBe('port');
    expect(field(profile({ host: ' ' }))).toBe('host');
    expect(field(profile({ username: '' }))).toBe('username');
    expect(field(profile({ privateKey: secret('not a key') }))).toBe('privateKey');
    expect(field(profile({ renameMode: 'overwrite' as SftpProfile['renameMode'] }))).toBe('renameMode');
    expect(field(profile({ timeouts: { connectMs: 1, operationMs: 0, endMs: 1 } }))).toBe('timeouts.operationMs');
    expect(field(profile({ chunkBytes: 10 }))).toBe('chunkBytes');
  });

  it('never puts the key in a validation message', () => {
    expect(() => validateSftpProfile(profile({ port: -1 }))).toThrow(expect.objectContaining({ message: expect.not.stringContaining('OPENSSH') }));
  });
});

describe('error classification', () => {
  it('maps SFTP status codes and network errors onto kinds, retryable only for the network', () => {
    const code = (c: unknown) => Object.assign(new Error('x'), { code: c });
    expect(classify(code(2), { op: 'download' }).kind).toBe('not_found');
    expect(classify(code(3), { op: 'upload' }).kind).toBe('permission');
    const reset = classify(code('ECONNRESET'), { op: 'list' });
    expect([reset.kind, reset.retryable]).toEqual(['connection', true]);
    const auth = classify(new Error('All configured authentication methods failed'), { op: 'connect' });
    expect([auth.kind, auth.retryable]).toEqual(['auth', false]);
    expect(classify(new Error('x'), { op: 'connect', hostKeyMismatch: 'SHA256:zzz' }).kind).toBe('host_key');
    expect(classify(new Error('weird'), { op: 'list' }).kind).toBe('protocol');
    expect(classify(new Error('weird'), { op: 'list', closed: true }).kind).toBe('connection');
  });

  it('strips key material and secrets from details', () => {
    expect(redact(`bad key ${KEY} here`)).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    expect(redact('passphrase hunter2 wrong', ['hunter2'])).toBe('passphrase [redacted] wrong');
    const e = classify(new Error(`Cannot parse privateKey: ${KEY}`), { op: 'connect', secrets: [KEY] });
    expect(e.kind).toBe('auth');
    expect(e.message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });
});

describe('withDeadline', () => {
  it('expires only after the given time without progress', async () => {
    const clock = new ManualClock();
    let touch: () => void = () => undefined;
    let finish: (v: string) => void = () => undefined;
    const result = withDeadline(clock, 100, (t) => {
      touch = t;
      return new Promise<string>((r) => (finish = r));
    });
    await clock.advance(90);
    touch();
    await clock.advance(90);
    finish('done');
    expect(await result).toBe('done');

    const stalled = withDeadline(clock, 100, () => new Promise<never>(() => undefined));
    await clock.advance(99);
    await clock.advance(1);
    expect(await stalled).toBe(EXPIRED);
  });
});

describe('withRetry', () => {
  it('backs off exponentially with jitter, capped', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, { ...o, random: () => 0 }))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, { ...o, random: () => 0.999999 }))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('retries connection errors and timeouts after waiting, then succeeds', async () => {
    const clock = new ManualClock();
    const mem = new MemoryTransport().failNext('connection', 'upload').failNext('timeout', 'upload');
    const delays: number[] = [];
    const t = withRetry(mem, { attempts: 3, baseMs: 100, maxMs: 1000, clock, random: () => 0, onRetry: (_e, _a, d) => delays.push(d) });
    const p = t.upload('out', 'a.xml', Buffer.from('abc'));
    await clock.advance(0);
    expect(mem.names('out')).toEqual([]);
    await clock.advance(50);
    await clock.advance(100);
    expect(await p).toEqual({ name: 'a.xml', size: 3 });
    expect(delays).toEqual([50, 100]);
    expect(mem.ops.filter((o) => o.op === 'upload')).toHaveLength(3);
  });

  it.each(['auth', 'permission', 'host_key', 'not_found', 'exists', 'size_mismatch'] as const)('surfaces %s at once, without retrying', async (kind) => {
    const clock = new ManualClock();
    const mem = new MemoryTransport().failNext(kind);
    const t = withRetry(mem, { attempts: 5, baseMs: 100, maxMs: 1000, clock });
    await expect(t.list('in')).rejects.toMatchObject({ kind, retryable: false });
    expect(mem.ops).toHaveLength(1);
    expect(clock.pendingSleepers).toBe(0);
  });

  it('throws the last error when attempts run out, never a success', async () => {
    const clock = new ManualClock();
    const mem = new MemoryTransport().failNext('connection').failNext('connection').failNext('timeout');
    const t = withRetry(mem, { attempts: 3, baseMs: 10, maxMs: 10, clock, random: () => 0 });
    const p = t.download('in', 'x').catch((e: unknown) => e);
    for (let i = 0; i < 5; i++) await clock.advance(10);
    const e = await p;
    expect(e).toBeInstanceOf(TransportError);
    expect((e as TransportError).kind).toBe('timeout');
    expect(mem.ops).toHaveLength(3);
  });

  it('does not retry errors that are not TransportErrors', async () => {
    let calls = 0;
    class Broken extends MemoryTransport {
      override async list(): Promise<never> {
        calls++;
        throw new TypeError('bug');
      }
    }
    const t = withRetry(new Broken(), { attempts: 3, baseMs: 1, maxMs: 1, clock: new ManualClock() });
    await expect(t.list('x')).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });
});

describe('MemoryTransport', () => {
  it('uploads through a temp name, writes the done file, and lists regular entries', async () => {
    const mem = new MemoryTransport();
    expect(await mem.upload('out', '../../pain.xml', Buffer.from('<x/>'), { doneFile: 'pain.done' })).toEqual({ name: 'pain.xml', size: 4 });
    expect(mem.names('out')).toEqual(['pain.done', 'pain.xml']);
    expect((await mem.list('out')).map((e) => e.name).sort()).toEqual(['pain.done', 'pain.xml']);
    expect(await mem.stat('out', 'pain.xml')).toMatchObject({ size: 4 });
    expect(await mem.stat('out', 'nope')).toBeNull();
    expect(mem.readText('out', 'pain.xml')).toBe('<x/>');
  });

  it('applies each rename policy when the final name is taken', async () => {
    const posix = new MemoryTransport({ renameMode: 'posix' }).seed('o', 'a.xml', 'old');
    await posix.upload('o', 'a.xml', Buffer.from('new'));
    expect(posix.readText('o', 'a.xml')).toBe('new');

    const free = new MemoryTransport({ renameMode: 'free-name' }).seed('o', 'a.xml', 'old');
    expect((await free.upload('o', 'a.xml', Buffer.from('n1'))).name).toBe('a-1.xml');
    expect((await free.upload('o', 'a.xml', Buffer.from('n2'))).name).toBe('a-2.xml');

    const fail = new MemoryTransport({ renameMode: 'fail' }).seed('o', 'a.xml', 'old');
    await expect(fail.upload('o', 'a.xml', Buffer.from('new'))).rejects.toMatchObject({ kind: 'exists', retryable: false });
    expect(fail.readText('o', 'a.xml')).toBe('old');
  });

  it('leaves a partial temp file when an upload is dropped, and the retry completes it', async () => {
    const mem = new MemoryTransport().dropNextUpload();
    await expect(mem.upload('o', 'a.xml', Buffer.from('0123456789'))).rejects.toMatchObject({ kind: 'connection', retryable: true });
    expect(mem.names('o')).toEqual(['.a.xml.part']);
    expect(mem.read('o', '.a.xml.part')).toHaveLength(5);
    await mem.upload('o', 'a.xml', Buffer.from('0123456789'));
    expect(mem.names('o')).toEqual(['a.xml']);
  });

  it('does not create a second copy when a retry follows a lost reply (free-name)', async () => {
    const mem = new MemoryTransport({ renameMode: 'free-name' }).seed('o', 'a.xml', 'yesterday!').loseNextReply('upload');
    const t = withRetry(mem, { attempts: 2, baseMs: 0, maxMs: 0, clock: new ManualClock() });
    expect(await t.upload('o', 'a.xml', Buffer.from('today.....'))).toEqual({ name: 'a-1.xml', size: 10 });
    expect(mem.names('o')).toEqual(['a-1.xml', 'a.xml']);
  });

  it('downloads with a size limit, moves, and removes idempotently', async () => {
    const mem = new MemoryTransport().seed('in', 'st.xml', '12345');
    await expect(mem.download('in', 'st.xml', { maxBytes: 4 })).rejects.toMatchObject({ kind: 'too_large' });
    expect(Buffer.from(await mem.download('in', 'st.xml', { maxBytes: 5 })).toString()).toBe('12345');
    await mem.move('in', 'st.xml', 'in/archive');
    expect(mem.names('in/archive')).toEqual(['st.xml']);
    await expect(mem.download('in', 'st.xml')).rejects.toMatchObject({ kind: 'not_found' });
    await mem.remove('in/archive', 'st.xml');
    await mem.remove('in/archive', 'st.xml');
    expect(mem.names('in/archive')).toEqual([]);
  });
});
