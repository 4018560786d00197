import { posix } from 'node:path';
import { systemClock, type Clock } from '../../domain/clock.js';
import { TransportError, type TransportErrorKind, type TransportOp } from './errors.js';
import { doneNameFor, numberedName, remoteName, tempName } from './names.js';
import type { RenameMode } from './profile.js';
import type { DownloadOptions, FileTransport, RemoteEntry, UploadOptions } from './types.js';

interface StoredFile {
  data: Uint8Array;
  mtimeMs: number;
}

type Fault = { kind: 'fail'; error: TransportErrorKind; op?: TransportOp } | { kind: 'drop-upload' } | { kind: 'lose-reply'; op: TransportOp };

export interface MemoryTransportOptions {
  clock?: Clock;
  renameMode?: RenameMode;
}

export interface RecordedOp {
  op: TransportOp;
  dir?: string;
  name?: string;
}

const normDir = (dir: string): string => posix.normalize(dir === '' ? '.' : dir).replace(/\/+$/, '') || '/';

/**
 * The in-memory twin of SftpTransport for unit tests of the modules above it: same names rules,
 * same temp-then-rename upload, same rename policies, plus faults on cue. Directories exist as soon
 * as something is written to them; listing one that never held a file gives an empty list.
 */
export class MemoryTransport implements FileTransport {
  private readonly dirs = new Map<string, Map<string, StoredFile>>();
  private readonly faults: Fault[] = [];
  private readonly unconfirmed = new Map<string, { target: string; data: Uint8Array }>();
  private readonly clock: Clock;
  private readonly renameMode: RenameMode;
  /** every call, in order, faults included */
  readonly ops: RecordedOp[] = [];
  closed = 0;

  constructor(options: MemoryTransportOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.renameMode = options.renameMode ?? 'posix';
  }

  // --- fault injection -------------------------------------------------------------------------

  /** The next operation (or the next one of `op`) fails with this kind, without any effect. */
  failNext(kind: TransportErrorKind, op?: TransportOp): this {
    this.faults.push({ kind: 'fail', error: kind, ...(op ? { op } : {}) });
    return this;
  }

  /** The next upload dies mid-transfer: half the data stays behind in the temp file. */
  dropNextUpload(): this {
    this.faults.push({ kind: 'drop-upload' });
    return this;
  }

  /** The next `op` takes effect on the "server", then fails as if the reply was lost. */
  loseNextReply(op: TransportOp): this {
    this.faults.push({ kind: 'lose-reply', op });
    return this;
  }

  // --- inspection and seeding --------------------------------------------------------------------

  /** Puts a file in place directly, as the bank's side would; no faults, no temp file. */
  seed(dir: string, name: string, data: Uint8Array | string): this {
    this.dir(dir).set(name, { data: typeof data === 'string' ? Buffer.from(data) : data, mtimeMs: this.clock.now() });
    return this;
  }

  /** Every name in `dir`, temp files included, sorted. */
  names(dir: string): string[] {
    return [...(this.dirs.get(normDir(dir))?.keys() ?? [])].sort();
  }

  read(dir: string, name: string): Uint8Array | undefined {
    return this.dirs.get(normDir(dir))?.get(name)?.data;
  }

  readText(dir: string, name: string): string | undefined {
    const data = this.read(dir, name);
    return data === undefined ? undefined : Buffer.from(data).toString('utf8');
  }

  // --- FileTransport -----------------------------------------------------------------------------

  async list(dir: string): Promise<RemoteEntry[]> {
    this.begin('list', dir);
    return [...(this.dirs.get(normDir(dir)) ?? new Map<string, StoredFile>()).entries()].map(([name, f]) => ({ name, size: f.data.length, mtimeMs: f.mtimeMs }));
  }

  async stat(dir: string, name: string): Promise<RemoteEntry | null> {
    const file = remoteName(name, 'stat');
    this.begin('stat', dir, file);
    const f = this.dirs.get(normDir(dir))?.get(file);
    return f ? { name: file, size: f.data.length, mtimeMs: f.mtimeMs } : null;
  }

  async upload(dir: string, name: string, data: Uint8Array, opts: UploadOptions = {}): Promise<{ name: string; size: number }> {
    const file = remoteName(name, 'upload');
    const doneFile = opts.doneFile === undefined ? undefined : remoteName(opts.doneFile, 'upload');
    const fault = this.begin('upload', dir, file);
    const d = this.dir(dir);
    const copy = Uint8Array.from(data);
    if (fault?.kind === 'drop-upload') {
      d.set(tempName(file), { data: copy.slice(0, Math.floor(copy.length / 2)), mtimeMs: this.clock.now() });
      throw new TransportError({ kind: 'connection', op: 'upload', file, detail: 'injected: dropped mid-upload' });
    }
    const key = `${normDir(dir)}\0${file}`;
    const earlier = this.unconfirmed.get(key);
    this.unconfirmed.delete(key);
    const landed = earlier ? d.get(earlier.target) : undefined;
    const sameAsEarlier = earlier !== undefined && landed !== undefined && Buffer.compare(earlier.data, copy) === 0 && Buffer.compare(landed.data, copy) === 0;
    const placed = sameAsEarlier ? earlier.target : this.place(d, tempName(file), file, copy, 'upload');
    if (doneFile !== undefined) d.set(doneNameFor(doneFile, file, placed), { data: new Uint8Array(0), mtimeMs: this.clock.now() });
    if (fault?.kind === 'lose-reply') {
      this.unconfirmed.set(key, { target: placed, data: copy });
      throw new TransportError({ kind: 'connection', op: 'upload', file, detail: 'injected: reply lost' });
    }
    return { name: placed, size: copy.length };
  }

  async download(dir: string, name: string, opts: DownloadOptions = {}): Promise<Uint8Array> {
    const file = remoteName(name, 'download');
    this.begin('download', dir, file);
    const f = this.dirs.get(normDir(dir))?.get(file);
    if (!f) throw new TransportError({ kind: 'not_found', op: 'download', file });
    if (opts.maxBytes !== undefined && f.data.length > opts.maxBytes) {
      throw new TransportError({ kind: 'too_large', op: 'download', file, detail: `${f.data.length} bytes, limit ${opts.maxBytes}` });
    }
    return Uint8Array.from(f.data);
  }

  async move(dir: string, name: string, toDir: string): Promise<void> {
    const file = remoteName(name, 'move');
    const fault = this.begin('move', dir, file);
    const from = this.dirs.get(normDir(dir));
    const f = from?.get(file);
    if (!from || !f) throw new TransportError({ kind: 'not_found', op: 'move', file });
    from.delete(file);
    this.place(this.dir(toDir), undefined, file, f.data, 'move');
    if (fault?.kind === 'lose-reply') throw new TransportError({ kind: 'connection', op: 'move', file, detail: 'injected: reply lost' });
  }

  async remove(dir: string, name: string): Promise<void> {
    const file = remoteName(name, 'remove');
    const fault = this.begin('remove', dir, file);
    this.dirs.get(normDir(dir))?.delete(file);
    if (fault?.kind === 'lose-reply') throw new TransportError({ kind: 'connection', op: 'remove', file, detail: 'injected: reply lost' });
  }

  async close(): Promise<void> {
    this.ops.push({ op: 'close' });
    this.closed++;
  }

  // --- internals ---------------------------------------------------------------------------------

  private dir(dir: string): Map<string, StoredFile> {
    const key = normDir(dir);
    let d = this.dirs.get(key);
    if (!d) this.dirs.set(key, (d = new Map()));
    return d;
  }

  /** Writes via the temp name (when given) and renames under the policy, like the SFTP side. */
  private place(d: Map<string, StoredFile>, temp: string | undefined, file: string, data: Uint8Array, op: TransportOp): string {
    const stored = { data, mtimeMs: this.clock.now() };
    if (temp !== undefined) d.set(temp, stored);
    let target = file;
    if (d.has(file)) {
      if (this.renameMode === 'fail') throw new TransportError({ kind: 'exists', op, file, detail: 'final name is taken' });
      if (this.renameMode === 'free-name') for (let n = 1; d.has(target); n++) target = numberedName(file, n);
    }
    if (temp !== undefined) d.delete(temp);
    d.set(target, stored);
    return target;
  }

  /** Records the call and applies the first queued fault that matches it. */
  private begin(op: TransportOp, dir: string, name?: string): Fault | undefined {
    this.ops.push({ op, dir, ...(name === undefined ? {} : { name }) });
    const i = this.faults.findIndex((f) => (f.kind === 'fail' ? f.op === undefined || f.op === op : f.kind === 'drop-upload' ? op === 'upload' : f.op === op));
    if (i < 0) return undefined;
    const [fault] = this.faults.splice(i, 1);
    if (fault?.kind === 'fail') {
      throw new TransportError({ kind: fault.error, op, ...(name === undefined ? {} : { file: name }), detail: 'injected' });
    }
    return fault;
  }
}
