import { TransportError, type TransportOp } from './errors.js';
import { numberedName, remotePath } from './names.js';
import type { RenameMode } from './profile.js';
import type { SftpSession } from './session.js';

const NOT_FOUND = new Set<unknown>([2, 'ENOENT']);
// SFTP v3 has no "already exists" status: OpenSSH answers FAILURE (4); v5+ servers may send 11
const REFUSED = new Set<unknown>([4, 11]);
const codeOf = (e: unknown): unknown => (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined);
const isNotFound = (e: unknown): boolean => NOT_FOUND.has(codeOf(e));
/** Only a refusal from the server can mean "name taken"; a lost reply must not be read as one. */
const takenBy = async (session: SftpSession, e: unknown, path: string): Promise<boolean> => REFUSED.has(codeOf(e)) && (await remoteExists(session, path));

/** Bounds the free-name search; a directory with a thousand copies of one name is a fault upstream. */
const MAX_FREE_NAME = 1000;

export async function remoteExists(session: SftpSession, path: string): Promise<boolean> {
  try {
    await session.stat(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

export interface RenameRequest {
  from: string;
  toDir: string;
  name: string;
  mode: RenameMode;
  op: TransportOp;
  /**
   * told each target before its rename is sent: if the reply is lost, this is the name the file
   * may now have
   */
  onTarget: (name: string) => void;
}

/**
 * Moves `from` onto `toDir/name` under the profile's policy; returns the name it ended up with.
 * `free-name` and `fail` rely on SFTP v3 rename refusing to replace a file, so there is no window
 * between "is the name free" and "take it" for another writer to slip into.
 */
export async function renameInto(session: SftpSession, req: RenameRequest): Promise<string> {
  const { from, toDir, name, mode, op } = req;
  if (mode === 'posix') {
    req.onTarget(name);
    await session.posixRename(from, remotePath(toDir, name));
    return name;
  }
  if (mode === 'fail') {
    req.onTarget(name);
    try {
      await session.rename(from, remotePath(toDir, name));
      return name;
    } catch (e) {
      if (await takenBy(session, e, remotePath(toDir, name))) throw new TransportError({ kind: 'exists', op, file: name, detail: 'final name is taken' });
      throw e;
    }
  }
  // one listing instead of a probe per taken name; the rename below still settles any race
  const taken = new Set((await session.list(toDir)).map((e) => e.name));
  for (let n = 0; n < MAX_FREE_NAME; n++) {
    const candidate = numberedName(name, n);
    if (taken.has(candidate)) continue;
    req.onTarget(candidate);
    try {
      await session.rename(from, remotePath(toDir, candidate));
      return candidate;
    } catch (e) {
      if (!(await takenBy(session, e, remotePath(toDir, candidate)))) throw e;
    }
  }
  throw new TransportError({ kind: 'exists', op, file: name, detail: `no free name after ${MAX_FREE_NAME} tries` });
}
