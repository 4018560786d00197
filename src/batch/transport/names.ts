import { posix } from 'node:path';
import { TransportError, type TransportOp } from './errors.js';

/**
 * Reduces a name to its last path segment. Names come from banks and from file-name templates;
 * neither may steer a write or read into another directory.
 */
export function remoteName(name: string, op: TransportOp): string {
  const base = name.split(/[/\\]/).at(-1) ?? '';
  if (base === '' || base === '.' || base === '..' || base.includes('\0')) {
    throw new TransportError({ kind: 'protocol', op, detail: `unusable remote name ${JSON.stringify(name.slice(0, 80))}` });
  }
  return base;
}

export const remotePath = (dir: string, name: string): string => posix.join(dir === '' ? '.' : dir, name);

/** Dot-prefixed so that pollers skipping hidden files never pick up a file still being written. */
export const tempName = (name: string): string => `.${name}.part`;

/** `pain.xml` -> `pain-1.xml`, `pain-2.xml`, ...; a leading dot is not an extension. */
export function numberedName(name: string, n: number): string {
  if (n === 0) return name;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return `${name}-${n}`;
  return `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
}

/** The done file of `placed` when the requested name `file` had to give way (free-name mode). */
export function doneNameFor(doneFile: string, file: string, placed: string): string {
  return placed !== file && doneFile.startsWith(file) ? `${placed}${doneFile.slice(file.length)}` : doneFile;
}
