import { Readable } from 'node:stream';
import { systemClock, type Clock } from '../../domain/clock.js';
import { BoundedSink, SinkLimitExceeded } from './bounded-sink.js';
import { classify } from './classify.js';
import { EXPIRED, withDeadline } from './deadline.js';
import { TransportError, type TransportOp } from './errors.js';
import { doneNameFor, remoteName, remotePath, tempName } from './names.js';
import { validateSftpProfile, type SftpProfile } from './profile.js';
import { remoteExists, renameInto } from './rename-policy.js';
import { SerialQueue } from './serial-queue.js';
import { openConnection, type Connection, type SftpSession } from './session.js';
import type { DownloadOptions, FileTransport, RemoteEntry, UploadOptions } from './types.js';
import { UnconfirmedRenames, type UnconfirmedRename } from './unconfirmed.js';

export interface SftpTransportOptions {
  clock?: Clock;
  /** wraps every new session; a seam for tests to inject faults a real server will not make on cue */
  wrapSession?: (session: SftpSession) => SftpSession;
}

/** ssh2's default read size is 64 KiB; OpenSSH accepts up to 255 KiB per request. */
const DEFAULT_CHUNK = 255 * 1024;

const isNotFound = (e: unknown): boolean => e instanceof TransportError && e.kind === 'not_found';

function* chunksOf(data: Uint8Array, size: number, touch: () => void): Generator<Buffer> {
  for (let off = 0; off < data.length; off += size) {
    touch();
    yield Buffer.from(data.buffer, data.byteOffset + off, Math.min(size, data.length - off));
  }
}

/**
 * FileTransport over one SSH connection at a time, opened on first use and kept between
 * operations. Any error that leaves an operation discards the connection (ssh2-sftp-client is not
 * safe to reuse after one), and the next operation dials again.
 */
export class SftpTransport implements FileTransport {
  private readonly profile: SftpProfile;
  private readonly clock: Clock;
  private readonly wrapSession: (s: SftpSession) => SftpSession;
  private readonly queue = new SerialQueue();
  private readonly unconfirmed = new UnconfirmedRenames();
  private readonly chunk: number;
  private conn: Connection | null = null;
  private session: SftpSession | null = null;

  constructor(profile: SftpProfile, options: SftpTransportOptions = {}) {
    this.profile = validateSftpProfile(profile);
    this.clock = options.clock ?? systemClock;
    this.wrapSession = options.wrapSession ?? ((s) => s);
    this.chunk = profile.chunkBytes ?? DEFAULT_CHUNK;
  }

  async list(dir: string): Promise<RemoteEntry[]> {
    return this.run('list', undefined, async (s) =>
      (await s.list(dir)).filter((e) => e.type === '-').map((e) => ({ name: e.name, size: e.size, mtimeMs: e.modifyTime })),
    );
  }

  async stat(dir: string, name: string): Promise<RemoteEntry | null> {
    const file = remoteName(name, 'stat');
    return this.run('stat', file, async (s) => {
      try {
        const st = await s.stat(remotePath(dir, file));
        return st.isFile ? { name: file, size: st.size, mtimeMs: st.modifyTime } : null;
      } catch (e) {
        if (isNotFound(this.classify(e, 'stat', file))) return null;
        throw e;
      }
    });
  }

  async upload(dir: string, name: string, data: Uint8Array, opts: UploadOptions = {}): Promise<{ name: string; size: number }> {
    const file = remoteName(name, 'upload');
    const doneFile = opts.doneFile === undefined ? undefined : remoteName(opts.doneFile, 'upload');
    const temp = remotePath(dir, tempName(file));
    const key = UnconfirmedRenames.key('upload', dir, file);
    return this.run('upload', file, async (s, touch) => {
      const earlier = this.unconfirmed.find(key, data);
      let placed = earlier ? await this.outcomeOf(s, earlier, dir, data.length) : null;
      if (placed === null) {
        const tempReady = earlier !== undefined && (await this.sizeOf(s, temp)) === data.length;
        if (!tempReady) {
          await s.put(Readable.from(chunksOf(data, this.chunk, touch)), temp, this.chunk);
          const size = await this.sizeOf(s, temp);
          if (size !== data.length) {
            throw new TransportError({ kind: 'size_mismatch', op: 'upload', file, detail: `server holds ${size ?? 'nothing'} of ${data.length} bytes` });
          }
        }
        const pending = this.unconfirmed.open(key, { from: temp, data });
        try {
          placed = await renameInto(s, { from: temp, toDir: dir, name: file, mode: this.profile.renameMode, op: 'upload', onTarget: (t) => (pending.target = t) });
        } catch (e) {
          if (e instanceof TransportError && e.kind === 'exists') {
            // a refusal is final: leave no temp file behind for the bank to wonder about
            this.unconfirmed.settle(key);
            await s.delete(temp).catch(() => undefined);
          }
          throw e;
        }
      }
      // The done file names the file as it landed, and the upload counts as settled only once the
      // done file is there too: a retry after a failure here finds the data file placed and writes
      // just the trigger, instead of sending the data a second time.
      if (doneFile !== undefined) await s.put(Readable.from([Buffer.alloc(0)]), remotePath(dir, doneNameFor(doneFile, file, placed)), this.chunk);
      this.unconfirmed.settle(key);
      return { name: placed, size: data.length };
    });
  }

  async download(dir: string, name: string, opts: DownloadOptions = {}): Promise<Uint8Array> {
    const file = remoteName(name, 'download');
    const limit = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    return this.run('download', file, async (s, touch) => {
      const path = remotePath(dir, file);
      const st = await s.stat(path);
      if (!st.isFile) throw new TransportError({ kind: 'not_found', op: 'download', file, detail: 'not a regular file' });
      if (st.size > limit) throw new TransportError({ kind: 'too_large', op: 'download', file, detail: `${st.size} bytes, limit ${limit}` });
      const sink = new BoundedSink(limit, touch);
      try {
        await s.get(path, sink, this.chunk);
      } catch (e) {
        if (sink.errored instanceof SinkLimitExceeded) {
          throw new TransportError({ kind: 'too_large', op: 'download', file, detail: `grew past the limit of ${limit} bytes while being read` });
        }
        throw e;
      }
      return sink.contents();
    });
  }

  async move(dir: string, name: string, toDir: string): Promise<void> {
    const file = remoteName(name, 'move');
    const from = remotePath(dir, file);
    const key = UnconfirmedRenames.key('move', dir, file, toDir);
    return this.run('move', file, async (s) => {
      const earlier = this.unconfirmed.find(key);
      if (earlier && (await this.outcomeOf(s, earlier, toDir)) !== null) return this.unconfirmed.settle(key);
      const pending = this.unconfirmed.open(key, { from });
      await renameInto(s, { from, toDir, name: file, mode: this.profile.renameMode, op: 'move', onTarget: (t) => (pending.target = t) });
      this.unconfirmed.settle(key);
    });
  }

  async remove(dir: string, name: string): Promise<void> {
    const file = remoteName(name, 'remove');
    return this.run('remove', file, async (s) => {
      try {
        await s.delete(remotePath(dir, file));
      } catch (e) {
        if (!isNotFound(this.classify(e, 'remove', file))) throw e;
      }
    });
  }

  /** Ends the connection politely within `endMs`, else drops it; the next operation dials again. */
  close(): Promise<void> {
    return this.queue.run(async () => {
      const conn = this.conn;
      this.forget();
      if (!conn) return;
      const ended = await withDeadline(this.clock, this.profile.timeouts.endMs, () => conn.end());
      if (ended === EXPIRED) conn.destroy();
    });
  }

  /**
   * After a lost rename reply: the source is gone only if the rename happened (the source was
   * complete before the rename was sent), so the file now bears the last target sent.
   * Returns that name, or null when the rename has to be done again.
   */
  private async outcomeOf(s: SftpSession, earlier: UnconfirmedRename, toDir: string, size?: number): Promise<string | null> {
    if (earlier.target === undefined || (await remoteExists(s, earlier.from))) return null;
    const landed = await this.sizeOf(s, remotePath(toDir, earlier.target));
    // a bank that already took the file away leaves nothing to compare; it did arrive
    if (landed === null || size === undefined || landed === size) return earlier.target;
    return null;
  }

  private async sizeOf(s: SftpSession, path: string): Promise<number | null> {
    try {
      return (await s.stat(path)).size;
    } catch (e) {
      if (isNotFound(this.classify(e, 'stat'))) return null;
      throw e;
    }
  }

  private run<T>(op: TransportOp, file: string | undefined, body: (s: SftpSession, touch: () => void) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const [conn, session] = await this.connect(file);
      let outcome: T | typeof EXPIRED;
      try {
        outcome = await withDeadline(this.clock, this.profile.timeouts.operationMs, (touch) => body(session, touch));
      } catch (e) {
        const error = this.classify(e, op, file, conn);
        this.discard(conn);
        throw error;
      }
      if (outcome === EXPIRED) {
        this.discard(conn);
        throw new TransportError({ kind: 'timeout', op, ...(file === undefined ? {} : { file }), detail: `no progress for ${this.profile.timeouts.operationMs} ms` });
      }
      return outcome;
    });
  }

  private async connect(file: string | undefined): Promise<[Connection, SftpSession]> {
    if (this.conn && this.session && !this.conn.closed) return [this.conn, this.session];
    this.forget();
    const conn = openConnection(this.profile, this.profile.timeouts.connectMs);
    const where = file === undefined ? {} : { file };
    let ready: void | typeof EXPIRED;
    try {
      ready = await withDeadline(this.clock, this.profile.timeouts.connectMs, () => conn.ready);
    } catch (e) {
      const error = this.classify(e, 'connect', file, conn);
      conn.destroy();
      throw error;
    }
    if (ready === EXPIRED) {
      conn.destroy();
      throw new TransportError({ kind: 'timeout', op: 'connect', ...where, detail: `not ready within ${this.profile.timeouts.connectMs} ms` });
    }
    this.conn = conn;
    this.session = this.wrapSession(conn.session);
    return [conn, this.session];
  }

  private classify(e: unknown, op: TransportOp, file?: string, conn?: Connection): TransportError {
    const secrets = [this.profile.privateKey.reveal(), ...(this.profile.passphrase ? [this.profile.passphrase.reveal()] : [])];
    return classify(e, {
      op,
      ...(file === undefined ? {} : { file }),
      ...(conn ? { rawError: conn.rawError, hostKeyMismatch: conn.hostKeyMismatch, closed: conn.closed } : {}),
      secrets,
    });
  }

  private discard(conn: Connection): void {
    conn.destroy();
    if (this.conn === conn) this.forget();
  }

  private forget(): void {
    this.conn = null;
    this.session = null;
  }
}
