export interface RemoteEntry {
  name: string;
  size: number;
  mtimeMs: number;
}

export interface UploadOptions {
  /** name of an empty trigger file written after the data file is in place */
  doneFile?: string;
}

export interface DownloadOptions {
  /** refuse (kind `too_large`) rather than hold more than this many bytes in memory */
  maxBytes?: number;
}

/**
 * A remote directory tree seen as flat directories of regular files. Every `name` is reduced to its
 * basename before use, so a name taken from a bank's file can never address another directory.
 */
export interface FileTransport {
  /** regular files only, names are basenames */
  list(dir: string): Promise<RemoteEntry[]>;
  /** null when there is no regular file by that name */
  stat(dir: string, name: string): Promise<RemoteEntry | null>;
  /** temp name (dot-prefixed, `.part` suffix) -> check remote size -> rename; returns the final name */
  upload(dir: string, name: string, data: Uint8Array, opts?: UploadOptions): Promise<{ name: string; size: number }>;
  download(dir: string, name: string, opts?: DownloadOptions): Promise<Uint8Array>;
  /** keeps the basename; the file under `toDir` follows the transport's rename policy */
  move(dir: string, name: string, toDir: string): Promise<void>;
  /** removing a file that is already gone succeeds: the wanted state holds, and a retry must not fail */
  remove(dir: string, name: string): Promise<void>;
  close(): Promise<void>;
}
