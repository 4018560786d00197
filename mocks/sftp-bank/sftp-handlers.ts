import { constants, type Stats } from 'node:fs';
import { chmod, link, lstat, mkdir, open, readdir, rename, rmdir, stat, truncate, unlink, utimes, type FileHandle } from 'node:fs/promises';
import ssh2, { type Attributes, type FileEntry, type SFTPWrapper } from 'ssh2';
import { Jail, JailError } from './jail.js';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

/**
 * The SFTP v3 request handlers of the simulated bank, over the real filesystem under a jail.
 * ssh2's server only decodes packets; every answer here is ours. Deliberately like a non-OpenSSH
 * bank server: RENAME never replaces an existing file (SFTP v3 semantics) and no extension is
 * offered (no posix-rename@openssh.com), so a client must handle both as real banks make it.
 */

type Handle = { kind: 'file'; file: FileHandle; path: string } | { kind: 'dir'; path: string; listed: boolean };

/** What the bank's file server notices, for tests and logs (uploads are what `process()` reads). */
export interface SftpEvents {
  onRequest?: (op: string, path: string) => void;
}

const DIR_BATCH = 100;

function statusFor(e: unknown): { code: number; message: string } {
  if (e instanceof JailError) return { code: STATUS_CODE.PERMISSION_DENIED, message: e.message };
  const code = (e as NodeJS.ErrnoException).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { code: STATUS_CODE.NO_SUCH_FILE, message: 'No such file' };
  if (code === 'EACCES' || code === 'EPERM') return { code: STATUS_CODE.PERMISSION_DENIED, message: 'Permission denied' };
  return { code: STATUS_CODE.FAILURE, message };
}

function toAttrs(s: Stats): Attributes {
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ls -l` style line: some clients show it, ssh2-sftp-client reads the type letter from it. */
function longname(name: string, s: Stats): string {
  const type = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((c, i) => (s.mode & (1 << (8 - i)) ? c : '-'))
    .join('');
  const d = s.mtime;
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `${type}${bits} 1 bank bank ${String(s.size).padStart(8, ' ')} ${when} ${name}`;
}

/** SFTP pflags -> open(2) flags. */
function openFlags(pflags: number): number {
  const read = (pflags & OPEN_MODE.READ) !== 0;
  const write = (pflags & OPEN_MODE.WRITE) !== 0;
  let flags = read && write ? constants.O_RDWR : write ? constants.O_WRONLY : constants.O_RDONLY;
  if (pflags & OPEN_MODE.APPEND) flags |= constants.O_APPEND;
  if (pflags & OPEN_MODE.CREAT) flags |= constants.O_CREAT;
  if (pflags & OPEN_MODE.TRUNC) flags |= constants.O_TRUNC;
  if (pflags & OPEN_MODE.EXCL) flags |= constants.O_EXCL;
  return flags;
}

/** Applies the attributes a client sent; the wire carries only the ones it set. */
async function applyAttrs(path: string, attrs: Partial<Attributes>): Promise<void> {
  if (attrs.size !== undefined) await truncate(path, attrs.size);
  if (attrs.mode !== undefined) await chmod(path, attrs.mode & 0o7777);
  if (attrs.atime !== undefined && attrs.mtime !== undefined) await utimes(path, attrs.atime, attrs.mtime);
  // uid/gid are ignored: the bank owns every file it stores.
}

/** RENAME without replacing: a hard link fails atomically when the target exists (files); directories are checked first. */
async function renameNoReplace(from: string, to: string): Promise<void> {
  const s = await lstat(from);
  const exists = await lstat(to).then(
    () => true,
    () => false,
  );
  if (exists) throw Object.assign(new Error('File exists'), { code: 'EEXIST' });
  if (s.isDirectory()) return rename(from, to);
  await link(from, to);
  await unlink(from);
}

/** Serves one SFTP session: every request answered, every handle closed when the session ends. */
export function serveSftp(sftp: SFTPWrapper, jail: Jail, events: SftpEvents = {}): void {
  const handles = new Map<string, Handle>();
  let next = 0;
  const newHandle = (h: Handle): Buffer => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(next++);
    handles.set(id.toString('hex'), h);
    return id;
  };
  const get = (id: Buffer): Handle | undefined => handles.get(id.toString('hex'));
  const note = (op: string, path: string): void => events.onRequest?.(op, path);

  /** Runs one request; any failure becomes the matching SFTP status. */
  const run = (reqId: number, work: () => Promise<void>): void => {
    work().catch((e: unknown) => {
      const s = statusFor(e);
      sftp.status(reqId, s.code, s.message);
    });
  };
  const ok = (reqId: number): void => void sftp.status(reqId, STATUS_CODE.OK);
  const badHandle = (reqId: number): void => void sftp.status(reqId, STATUS_CODE.FAILURE, 'invalid handle');

  sftp.on('OPEN', (reqId, filename, flags, attrs) =>
    run(reqId, async () => {
      note('OPEN', filename);
      const path = await jail.resolve(filename);
      const file = await open(path, openFlags(flags), (attrs as Partial<Attributes>).mode ?? 0o644);
      if ((await file.stat()).isDirectory()) {
        await file.close();
        throw new Error('is a directory');
      }
      sftp.handle(reqId, newHandle({ kind: 'file', file, path }));
    }),
  );

  sftp.on('READ', (reqId, id, offset, len) =>
    run(reqId, async () => {
      const h = get(id);
      if (h?.kind !== 'file') return badHandle(reqId);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await h.file.read(buf, 0, len, offset);
      if (bytesRead === 0) return void sftp.status(reqId, STATUS_CODE.EOF);
      sftp.data(reqId, buf.subarray(0, bytesRead));
    }),
  );

  sftp.on('WRITE', (reqId, id, offset, data) =>
    run(reqId, async () => {
      const h = get(id);
      if (h?.kind !== 'file') return badHandle(reqId);
      await h.file.write(data, 0, data.length, offset);
      ok(reqId);
    }),
  );

  sftp.on('FSTAT', (reqId, id) =>
    run(reqId, async () => {
      const h = get(id);
      if (!h) return badHandle(reqId);
      sftp.attrs(reqId, toAttrs(h.kind === 'file' ? await h.file.stat() : await stat(h.path)));
    }),
  );

  sftp.on('FSETSTAT', (reqId, id, attrs) =>
    run(reqId, async () => {
      const h = get(id);
      if (!h) return badHandle(reqId);
      await applyAttrs(h.path, attrs);
      ok(reqId);
    }),
  );

  sftp.on('SETSTAT', (reqId, path, attrs) =>
    run(reqId, async () => {
      note('SETSTAT', path);
      await applyAttrs(await jail.resolve(path), attrs);
      ok(reqId);
    }),
  );

  sftp.on('STAT', (reqId, path) =>
    run(reqId, async () => {
      sftp.attrs(reqId, toAttrs(await stat(await jail.resolve(path))));
    }),
  );

  sftp.on('LSTAT', (reqId, path) =>
    run(reqId, async () => {
      sftp.attrs(reqId, toAttrs(await lstat(await jail.resolve(path))));
    }),
  );

  sftp.on('CLOSE', (reqId, id) =>
    run(reqId, async () => {
      const h = get(id);
      if (!h) return badHandle(reqId);
      handles.delete(id.toString('hex'));
      if (h.kind === 'file') await h.file.close();
      ok(reqId);
    }),
  );

  sftp.on('OPENDIR', (reqId, path) =>
    run(reqId, async () => {
      const host = await jail.resolve(path);
      if (!(await stat(host)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      sftp.handle(reqId, newHandle({ kind: 'dir', path: host, listed: false }));
    }),
  );

  // The whole listing is sent in batches on successive READDIRs, then EOF, as OpenSSH does.
  const pending = new Map<string, FileEntry[]>();
  sftp.on('READDIR', (reqId, id) =>
    run(reqId, async () => {
      const h = get(id);
      if (h?.kind !== 'dir') return badHandle(reqId);
      const key = id.toString('hex');
      if (!h.listed) {
        h.listed = true;
        const names = await readdir(h.path);
        const entries: FileEntry[] = [];
        for (const name of ['.', '..', ...names.sort()]) {
          const s = await lstat(`${h.path}/${name}`).catch(() => undefined);
          if (s) entries.push({ filename: name, longname: longname(name, s), attrs: toAttrs(s) });
        }
        pending.set(key, entries);
      }
      const rest = pending.get(key) ?? [];
      if (rest.length === 0) {
        pending.delete(key);
        return void sftp.status(reqId, STATUS_CODE.EOF);
      }
      sftp.name(reqId, rest.splice(0, DIR_BATCH));
    }),
  );

  sftp.on('REMOVE', (reqId, path) =>
    run(reqId, async () => {
      note('REMOVE', path);
      await unlink(await jail.resolve(path));
      ok(reqId);
    }),
  );

  sftp.on('RMDIR', (reqId, path) =>
    run(reqId, async () => {
      note('RMDIR', path);
      const host = await jail.resolve(path);
      if (host === (await jail.resolve('/'))) throw Object.assign(new Error('the root cannot be removed'), { code: 'EPERM' });
      await rmdir(host);
      ok(reqId);
    }),
  );

  sftp.on('MKDIR', (reqId, path, attrs) =>
    run(reqId, async () => {
      note('MKDIR', path);
      await mkdir(await jail.resolve(path), { mode: (attrs as Partial<Attributes>).mode ?? 0o755 });
      ok(reqId);
    }),
  );

  sftp.on('RENAME', (reqId, from, to) =>
    run(reqId, async () => {
      note('RENAME', `${from} -> ${to}`);
      await renameNoReplace(await jail.resolve(from), await jail.resolve(to));
      ok(reqId);
    }),
  );

  sftp.on('REALPATH', (reqId, path) =>
    run(reqId, async () => {
      const virtual = jail.normalize(path);
      sftp.name(reqId, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
    }),
  );

  // Links could point out of the jail; extensions (posix-rename among them) are not offered.
  const unsupported = (reqId: number): void => void sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, 'not supported');
  sftp.on('READLINK', (reqId) => unsupported(reqId));
  sftp.on('SYMLINK', (reqId) => unsupported(reqId));
  sftp.on('EXTENDED', (reqId) => unsupported(reqId));

  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') void h.file.close().catch(() => undefined);
    handles.clear();
  });
}
