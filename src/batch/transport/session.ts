import { connect as tcpConnect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import { pinnedHostVerifier } from './host-key.js';
import type { SftpProfile } from './profile.js';

export interface SessionEntry {
  /** `-` regular file, `d` directory, `l` link, as in `ls -l` */
  type: string;
  name: string;
  size: number;
  modifyTime: number;
}

export interface SessionStat {
  size: number;
  modifyTime: number;
  isFile: boolean;
}

/**
 * The SFTP calls the transport makes, and nothing else. It is the seam where tests inject faults
 * that a real server cannot be made to produce on cue (a rename that succeeds but whose reply
 * is lost).
 */
export interface SftpSession {
  list(path: string): Promise<SessionEntry[]>;
  stat(path: string): Promise<SessionStat>;
  put(src: Readable, path: string, chunkBytes: number): Promise<void>;
  get(path: string, dst: Writable, chunkBytes: number): Promise<void>;
  /** SFTP v3 rename: fails when `to` exists, which makes it an atomic "create if absent" */
  rename(from: string, to: string): Promise<void>;
  /** posix-rename@openssh.com: replaces `to` atomically */
  posixRename(from: string, to: string): Promise<void>;
  delete(path: string): Promise<void>;
}

export interface Connection {
  session: SftpSession;
  /** settles once the SFTP channel is open */
  ready: Promise<void>;
  /** the last error ssh2 itself raised (it carries `level`, which the wrapper's errors lose) */
  readonly rawError: unknown;
  /** the pin check failed; holds the fingerprint the server showed */
  readonly hostKeyMismatch: string | null;
  readonly closed: boolean;
  /** asks the server to close; settles when the socket is gone */
  end(): Promise<void>;
  /** drops the socket at once, without a goodbye */
  destroy(): void;
}

/**
 * How many chunks the write stream may hold before it pushes back. While one write waits for its
 * acknowledgement the others queue, and ssh2 then sends the queued ones back to back (`_writev`),
 * so this is the depth of the write pipeline.
 */
const WRITE_PIPELINE = 8;

function adapt(client: SftpClient): SftpSession {
  return {
    list: async (path) => (await client.list(path)).map((e) => ({ type: e.type, name: e.name, size: e.size, modifyTime: e.modifyTime })),
    stat: async (path) => {
      const s = await client.stat(path);
      return { size: s.size, modifyTime: s.modifyTime, isFile: s.isFile };
    },
    put: async (src, path, chunkBytes) => {
      // `flags` keeps these objects recognisable to the wrapper's (older) option types
      await client.put(src, path, { writeStreamOptions: { flags: 'w', ...{ highWaterMark: chunkBytes * WRITE_PIPELINE } } });
    },
    get: async (path, dst, chunkBytes) => {
      await client.get(path, dst, { readStreamOptions: { flags: 'r', ...{ highWaterMark: chunkBytes } } });
    },
    rename: async (from, to) => {
      await client.rename(from, to);
    },
    posixRename: async (from, to) => {
      await client.posixRename(from, to);
    },
    delete: async (path) => {
      await client.delete(path);
    },
  };
}

/** Starts connecting at once; `ready` tells when (and whether) it worked. */
export function openConnection(profile: SftpProfile, timeoutMs: number): Connection {
  let rawError: unknown;
  let hostKeyMismatch: string | null = null;
  let closed = false;
  // the wrapper logs to the console by default; errors are recorded here instead
  const client = new SftpClient('railyard', { error: () => undefined, end: () => undefined, close: () => undefined });
  // our own socket, so that a hung connection can always be destroyed from outside
  const socket: Socket = tcpConnect({ host: profile.host, port: profile.port });
  socket.setNoDelay(true);
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  client.on('error', (e: unknown) => {
    rawError = e;
  });
  client.on('close', () => {
    closed = true;
  });
  socket.once('close', () => {
    closed = true;
  });
  socket.on('error', (e) => {
    rawError ??= e;
  });

  const ready = client
    .connect({
      sock: socket,
      username: profile.username,
      privateKey: profile.privateKey.reveal(),
      ...(profile.passphrase ? { passphrase: profile.passphrase.reveal() } : {}),
      hostVerifier: pinnedHostVerifier(profile.hostKeySha256, (seen) => {
        hostKeyMismatch = seen;
      }),
      ...(profile.algorithms ? { algorithms: profile.algorithms } : {}),
      readyTimeout: timeoutMs,
      tryKeyboard: false,
    })
    .then(() => undefined);
  ready.catch(() => socket.destroy());

  return {
    session: adapt(client),
    ready,
    get rawError() {
      return rawError;
    },
    get hostKeyMismatch() {
      return hostKeyMismatch;
    },
    get closed() {
      return closed;
    },
    end: async () => {
      if (closed) return;
      // ssh2 sends its disconnect message and half-closes; the server closes the rest
      client.end().catch(() => undefined);
      await closedPromise;
    },
    destroy: () => {
      socket.destroy();
    },
  };
}
