import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { SftpTransport, withRetry, type RenameMode, type SftpSession } from '../../../src/batch/transport/index.js';
import { startSshd, type SshdFixture } from '../sshd.js';
import { bytes, profileFor } from './helpers.js';

let sshd: SshdFixture;
const open: SftpTransport[] = [];
let dirCount = 0;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

function transport(renameMode: RenameMode = 'posix', wrapSession?: (s: SftpSession) => SftpSession): SftpTransport {
  const t = new SftpTransport(profileFor(sshd, { renameMode }), wrapSession ? { wrapSession } : {});
  open.push(t);
  return t;
}

/** a fresh remote directory per test, relative to the server's start directory */
function freshDir(): string {
  const dir = `d${++dirCount}`;
  mkdirSync(join(sshd.root, dir));
  return dir;
}

const local = (dir: string, name = '') => join(sshd.root, dir, name);

describe('SftpTransport against OpenSSH', () => {
  it('uploads, lists, stats, downloads, moves and removes', async () => {
    const t = transport();
    const dir = freshDir();
    mkdirSync(local(dir, 'archive'));
    const data = bytes(300_000);
    expect(await t.upload(dir, 'pain.xml', data)).toEqual({ name: 'pain.xml', size: data.length });
    expect(readFileSync(local(dir, 'pain.xml')).equals(data)).toBe(true);
    const listed = await t.list(dir);
    // the archive directory is not a regular file and is left out
    expect(listed.map((e) => e.name)).toEqual(['pain.xml']);
    expect(listed[0]).toMatchObject({ size: data.length });
    expect(Math.abs((listed[0]?.mtimeMs ?? 0) - statSync(local(dir, 'pain.xml')).mtimeMs)).toBeLessThan(1000);
    expect(await t.stat(dir, 'pain.xml')).toMatchObject({ name: 'pain.xml', size: data.length });
    expect(await t.stat(dir, 'missing.xml')).toBeNull();
    expect(await t.stat('.', dir)).toBeNull();
    expect(Buffer.from(await t.download(dir, 'pain.xml')).equals(data)).toBe(true);
    await t.move(dir, 'pain.xml', `${dir}/archive`);
    expect(readdirSync(local(dir))).toEqual(['archive']);
    expect(readFileSync(local(dir, 'archive/pain.xml')).equals(data)).toBe(true);
    await t.remove(`${dir}/archive`, 'pain.xml');
    await t.remove(`${dir}/archive`, 'pain.xml');
    expect(readdirSync(local(dir, 'archive'))).toEqual([]);
  });

  it('writes ../../x as x inside the target directory', async () => {
    const t = transport();
    const dir = freshDir();
    await t.upload(dir, '../../x', Buffer.from('contained'));
    expect(readdirSync(local(dir))).toEqual(['x']);
    expect(existsSync(join(sshd.root, 'x'))).toBe(false);
    expect(Buffer.from(await t.download(dir, '../x')).toString()).toBe('contained');
    await expect(t.upload(dir, '..', Buffer.from('no'))).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('posix mode overwrites an existing final name atomically', async () => {
    const t = transport('posix');
    const dir = freshDir();
    writeFileSync(local(dir, 'a.xml'), 'old');
    expect(await t.upload(dir, 'a.xml', Buffer.from('new!'))).toEqual({ name: 'a.xml', size: 4 });
    expect(readdirSync(local(dir))).toEqual(['a.xml']);
    expect(readFileSync(local(dir, 'a.xml'), 'utf8')).toBe('new!');
  });

  it('free-name mode picks the next free name and never overwrites', async () => {
    const t = transport('free-name');
    const dir = freshDir();
    writeFileSync(local(dir, 'a.xml'), 'old');
    writeFileSync(local(dir, 'a-1.xml'), 'older');
    expect((await t.upload(dir, 'a.xml', Buffer.from('n2'))).name).toBe('a-2.xml');
    expect((await t.upload(dir, 'a.xml', Buffer.from('n3'))).name).toBe('a-3.xml');
    expect(readFileSync(local(dir, 'a.xml'), 'utf8')).toBe('old');
    expect(readFileSync(local(dir, 'a-1.xml'), 'utf8')).toBe('older');
    expect(readFileSync(local(dir, 'a-2.xml'), 'utf8')).toBe('n2');
    expect(readdirSync(local(dir)).sort()).toEqual(['a-1.xml', 'a-2.xml', 'a-3.xml', 'a.xml']);
  });

  it('free-name mode uploads a same-size file with other content under a new name (no false "already there")', async () => {
    const t = transport('free-name');
    const dir = freshDir();
    writeFileSync(local(dir, 'a.xml'), 'yesterday!');
    expect((await t.upload(dir, 'a.xml', Buffer.from('today.....'))).name).toBe('a-1.xml');
    expect(readFileSync(local(dir, 'a-1.xml'), 'utf8')).toBe('today.....');
  });

  it('fail mode refuses with kind exists, keeps the original and cleans up its temp file', async () => {
    const t = transport('fail');
    const dir = freshDir();
    writeFileSync(local(dir, 'a.xml'), 'old');
    await expect(t.upload(dir, 'a.xml', Buffer.from('new'))).rejects.toMatchObject({ kind: 'exists', retryable: false, op: 'upload', file: 'a.xml' });
    expect(readdirSync(local(dir))).toEqual(['a.xml']);
    expect(readFileSync(local(dir, 'a.xml'), 'utf8')).toBe('old');
    // and the transport goes on working on a fresh connection
    expect((await t.upload(dir, 'b.xml', Buffer.from('b'))).name).toBe('b.xml');
  });

  it('writes the done file only after the data file is in place under its final name', async () => {
    const calls: string[] = [];
    const spy = (s: SftpSession): SftpSession => ({
      ...s,
      put: (src, path, chunk) => (calls.push(`put ${path}`), s.put(src, path, chunk)),
      posixRename: (from, to) => (calls.push(`rename ${from} -> ${to}`), s.posixRename(from, to)),
    });
    const t = transport('posix', spy);
    const dir = freshDir();
    await t.upload(dir, 'pain.xml', bytes(100_000), { doneFile: 'pain.xml.done' });
    expect(calls).toEqual([`put ${dir}/.pain.xml.part`, `rename ${dir}/.pain.xml.part -> ${dir}/pain.xml`, `put ${dir}/pain.xml.done`]);
    expect(readdirSync(local(dir)).sort()).toEqual(['pain.xml', 'pain.xml.done']);
    expect(statSync(local(dir, 'pain.xml.done')).size).toBe(0);
  });

  it('refuses to rename a temp file whose remote size is wrong (size_mismatch, not retried)', async () => {
    // the server ends up with one byte fewer than was sent, as a faulty server or disk might
    const truncating = (s: SftpSession): SftpSession => ({
      ...s,
      put: async (src, path, chunk) => {
        const parts: Buffer[] = [];
        for await (const c of src) parts.push(Buffer.from(c as Uint8Array));
        const all = Buffer.concat(parts);
        return s.put(Readable.from([all.subarray(0, all.length - 1)]), path, chunk);
      },
    });
    const dir = freshDir();
    const retries: unknown[] = [];
    const r = withRetry(transport('posix', truncating), { attempts: 3, baseMs: 1, maxMs: 1, clock: systemClock, onRetry: (e) => retries.push(e) });
    await expect(r.upload(dir, 'a.xml', bytes(1000))).rejects.toMatchObject({ kind: 'size_mismatch', retryable: false });
    expect(retries).toEqual([]);
    expect(readdirSync(local(dir))).toEqual(['.a.xml.part']);
  });

  it('a lister on a second connection never sees the final name with a partial size', async () => {
    const uploader = transport('posix');
    const lister = transport();
    const dir = freshDir();
    const data = bytes(24 * 1024 * 1024, 3);
    const seenFinal: number[] = [];
    let seenTemp = 0;
    let listings = 0;
    let uploading = true;
    const upload = uploader.upload(dir, 'big.xml', data).finally(() => (uploading = false));
    while (uploading) {
      for (const e of await lister.list(dir)) {
        if (e.name === 'big.xml') seenFinal.push(e.size);
        if (e.name === '.big.xml.part' && e.size < data.length) seenTemp++;
      }
      listings++;
    }
    await upload;
    const after = await lister.list(dir);
    expect(after).toEqual([expect.objectContaining({ name: 'big.xml', size: data.length })]);
    expect(listings).toBeGreaterThan(2);
    // the lister did look while the data was still arriving under the temp name
    expect(seenTemp).toBeGreaterThan(0);
    expect(seenFinal.every((size) => size === data.length)).toBe(true);
  });

  it('retrying after a lost rename reply does not create a second copy (free-name)', async () => {
    let renames = 0;
    // the rename reaches the server and is done; the reply never arrives
    const loseFirstRenameReply = (s: SftpSession): SftpSession => ({
      ...s,
      rename: async (from, to) => {
        await s.rename(from, to);
        if (++renames === 1) throw Object.assign(new Error('No response from server'), { code: 'ECONNRESET' });
      },
    });
    const t = transport('free-name', loseFirstRenameReply);
    const dir = freshDir();
    writeFileSync(local(dir, 'a.xml'), 'yesterday!');
    const retries: string[] = [];
    const r = withRetry(t, { attempts: 3, baseMs: 1, maxMs: 5, clock: systemClock, onRetry: (e) => retries.push(e.kind) });
    expect(await r.upload(dir, 'a.xml', Buffer.from('today.....'))).toEqual({ name: 'a-1.xml', size: 10 });
    expect(retries).toEqual(['connection']);
    expect(readdirSync(local(dir)).sort()).toEqual(['a-1.xml', 'a.xml']);
    expect(readFileSync(local(dir, 'a-1.xml'), 'utf8')).toBe('today.....');
  });

  it('retrying after a lost rename reply in fail mode reports success, not exists', async () => {
    let renames = 0;
    const loseFirstRenameReply = (s: SftpSession): SftpSession => ({
      ...s,
      rename: async (from, to) => {
        await s.rename(from, to);
        if (++renames === 1) throw Object.assign(new Error('No response from server'), { code: 'ECONNRESET' });
      },
    });
    const t = transport('fail', loseFirstRenameReply);
    const dir = freshDir();
    const r = withRetry(t, { attempts: 3, baseMs: 1, maxMs: 5, clock: systemClock });
    expect(await r.upload(dir, 'b.xml', Buffer.from('payload'))).toEqual({ name: 'b.xml', size: 7 });
    expect(readdirSync(local(dir))).toEqual(['b.xml']);
  });

  it('download honours maxBytes, before and during the transfer', async () => {
    const t = transport();
    const dir = freshDir();
    writeFileSync(local(dir, 'st.xml'), bytes(50_000));
    await expect(t.download(dir, 'st.xml', { maxBytes: 49_999 })).rejects.toMatchObject({ kind: 'too_large', retryable: false });
    expect(await t.download(dir, 'st.xml', { maxBytes: 50_000 })).toHaveLength(50_000);
    await expect(t.download(dir, 'nope.xml')).rejects.toMatchObject({ kind: 'not_found', retryable: false, file: 'nope.xml' });

    // a file that grows after its size was checked is cut off while streaming
    const staleStat = (s: SftpSession): SftpSession => ({ ...s, stat: async (path) => ({ ...(await s.stat(path)), size: 10 }) });
    const racing = transport('posix', staleStat);
    await expect(racing.download(dir, 'st.xml', { maxBytes: 1000 })).rejects.toMatchObject({ kind: 'too_large', message: expect.stringContaining('grew') });
  });

  it('serialises concurrent calls on one transport', async () => {
    const t = transport();
    const dir = freshDir();
    const names = Array.from({ length: 8 }, (_, i) => `f${i}.xml`);
    const results = await Promise.all(names.map((n, i) => t.upload(dir, n, bytes(40_000, i))));
    expect(results.map((r) => r.name)).toEqual(names);
    expect((await t.list(dir)).map((e) => e.name).sort()).toEqual(names);
  });
});
