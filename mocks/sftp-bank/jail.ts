import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';

/**
 * Maps the paths an SFTP client sends onto the bank's root directory and refuses every path that
 * would leave it: `..` above the root, NUL bytes, and symbolic links (placed by someone on the
 * host) that point outside. The client sees the root as `/`.
 */
export class JailError extends Error {
  constructor(readonly virtualPath: string) {
    super(`path outside the SFTP root: ${virtualPath}`);
    this.name = 'JailError';
  }
}

export class Jail {
  private realRoot: string | undefined;

  constructor(readonly root: string) {}

  /** `/in/../out/x` -> `/out/x`; relative paths are taken from `/` (the session's home). */
  normalize(virtualPath: string): string {
    if (virtualPath.includes('\0')) throw new JailError(virtualPath);
    const parts: string[] = [];
    for (const part of virtualPath.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        // Unlike posix.resolve, which silently clamps at `/`, an attempt to climb out is refused.
        if (parts.length === 0) throw new JailError(virtualPath);
        parts.pop();
        continue;
      }
      parts.push(part);
    }
    return posix.join('/', ...parts);
  }

  /** The host path of a client path, after checking that no symlink on the way leads out. */
  async resolve(virtualPath: string): Promise<string> {
    const host = resolve(this.root, '.' + this.normalize(virtualPath));
    this.realRoot ??= await realpath(this.root);
    // The deepest part that exists decides where the path really goes (the rest is yet to be created).
    let probe = host;
    for (;;) {
      const exists = await lstat(probe).then(
        () => true,
        () => false,
      );
      if (exists) break;
      const up = dirname(probe);
      if (up === probe) break;
      probe = up;
    }
    const real = await realpath(probe);
    const rel = relative(this.realRoot, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new JailError(virtualPath);
    return host;
  }
}
