/**
 * A rename whose reply never came. The server may or may not have done it; the next attempt at the
 * same upload or move reads this to find out instead of doing it twice.
 */
export interface UnconfirmedRename {
  /** full remote path of the source (the temp file of an upload, the file being moved) */
  from: string;
  /** last name the rename was sent for, relative to the destination directory */
  target?: string;
  /** the uploaded bytes, so that only a retry of the same content can claim the earlier result */
  data?: Uint8Array;
}

/** Old entries are dropped first; they only matter for the retries that follow a failure. */
const CAPACITY = 256;

export class UnconfirmedRenames {
  private readonly entries = new Map<string, UnconfirmedRename>();

  static key(...parts: string[]): string {
    return parts.join('\0');
  }

  find(key: string, data?: Uint8Array): UnconfirmedRename | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (data === undefined) return entry;
    if (entry.data === undefined) return undefined;
    const same = entry.data === data || (entry.data.length === data.length && Buffer.compare(entry.data, data) === 0);
    return same ? entry : undefined;
  }

  open(key: string, entry: UnconfirmedRename): UnconfirmedRename {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > CAPACITY) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  settle(key: string): void {
    this.entries.delete(key);
  }
}
