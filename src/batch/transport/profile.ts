import type { Algorithms } from 'ssh2';
import { Secret } from '../../domain/secret.js';

export type RenameMode = 'posix' | 'free-name' | 'fail';

export interface SftpTimeouts {
  /** TCP connect, SSH handshake, authentication and opening the SFTP channel, together */
  connectMs: number;
  /** longest an operation may go without progress; a transfer's clock restarts on every chunk */
  operationMs: number;
  /** longest a polite close may take before the socket is destroyed */
  endMs: number;
}

export interface SftpProfile {
  host: string;
  port: number;
  username: string;
  /** PEM or OpenSSH private key text */
  privateKey: Secret<string>;
  passphrase?: Secret<string>;
  /** `SHA256:base64` as `ssh-keygen -lf` prints it; two during a host key rotation */
  hostKeySha256: string[];
  /** per-bank overrides for old servers (ssh2 algorithm lists) */
  algorithms?: Algorithms;
  /**
   * what happens when the final name is taken: `posix` overwrites atomically
   * (posix-rename@openssh.com), `free-name` uses `base-1.ext`, `base-2.ext`, ..., `fail` refuses
   */
  renameMode: RenameMode;
  timeouts: SftpTimeouts;
  /** read and write request size for transfers; ssh2 splits it to the server's limits */
  chunkBytes?: number;
}

export class ProfileError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`sftp profile: ${field} ${reason}`);
    this.name = 'ProfileError';
  }
}

/** `SHA256:` then unpadded base64 of 32 bytes, exactly what OpenSSH prints. */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Throws a ProfileError naming the first bad field; returns the profile unchanged otherwise. */
export function validateSftpProfile(p: SftpProfile): SftpProfile {
  if (typeof p.host !== 'string' || p.host.trim() === '') throw new ProfileError('host', 'is empty');
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new ProfileError('port', 'must be an integer 1-65535');
  if (typeof p.username !== 'string' || p.username === '') throw new ProfileError('username', 'is empty');
  if (!(p.privateKey instanceof Secret) || typeof p.privateKey.reveal() !== 'string' || p.privateKey.reveal().trim() === '') {
    throw new ProfileError('privateKey', 'must be a Secret holding PEM or OpenSSH key text');
  }
  if (!p.privateKey.reveal().includes('PRIVATE KEY-----')) throw new ProfileError('privateKey', 'is not PEM or OpenSSH private key text');
  if (p.passphrase !== undefined && !(p.passphrase instanceof Secret)) throw new ProfileError('passphrase', 'must be a Secret');
  if (!Array.isArray(p.hostKeySha256) || p.hostKeySha256.length === 0) {
    throw new ProfileError('hostKeySha256', 'is empty: without a pinned host key any server could pose as the bank');
  }
  if (p.hostKeySha256.length > 2) throw new ProfileError('hostKeySha256', 'allows at most 2 pins (old and new during a rotation)');
  p.hostKeySha256.forEach((pin, i) => {
    if (typeof pin !== 'string' || !FINGERPRINT.test(pin)) throw new ProfileError(`hostKeySha256[${i}]`, 'must look like SHA256:<43 base64 chars>');
  });
  if (!['posix', 'free-name', 'fail'].includes(p.renameMode)) throw new ProfileError('renameMode', "must be 'posix', 'free-name' or 'fail'");
  if (typeof p.timeouts !== 'object' || p.timeouts === null) throw new ProfileError('timeouts', 'is missing');
  for (const key of ['connectMs', 'operationMs', 'endMs'] as const) {
    if (!positive(p.timeouts[key])) throw new ProfileError(`timeouts.${key}`, 'must be a positive number of milliseconds');
  }
  if (p.chunkBytes !== undefined && (!Number.isInteger(p.chunkBytes) || p.chunkBytes < 1024 || p.chunkBytes > 16 * 1024 * 1024)) {
    throw new ProfileError('chunkBytes', 'must be an integer between 1 KiB and 16 MiB');
  }
  return p;
}
