import type { Row } from './executor.js';

/*
 * Typed column readers shared by every row codec. A value of the wrong type is a store bug or a
 * damaged row: it fails loudly with the column name, never silently as undefined.
 */

export class RowShapeError extends Error {
  constructor(column: string, expected: string, got: unknown) {
    super(`column ${column}: expected ${expected}, got ${typeof got}`);
  }
}

export function str(row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw new RowShapeError(column, 'string', v);
  return v;
}

export function optStr(row: Row, column: string): string | null {
  const v = row[column];
  return v === null || v === undefined ? null : str(row, column);
}

export function num(row: Row, column: string): number {
  const v = row[column];
  if (typeof v !== 'number') throw new RowShapeError(column, 'number', v);
  return v;
}

export function optNum(row: Row, column: string): number | null {
  const v = row[column];
  return v === null || v === undefined ? null : num(row, column);
}

export function json<T>(row: Row, column: string): T {
  return JSON.parse(str(row, column)) as T;
}

export function optJson<T>(row: Row, column: string): T | null {
  const text = optStr(row, column);
  return text === null ? null : (JSON.parse(text) as T);
}

/** SQL NULL for null, so "no outcome yet" is queryable with IS NULL on both dialects. */
export function encodeOptJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function oneOf<T extends string>(row: Row, column: string, allowed: readonly T[]): T {
  const v = str(row, column);
  if (!(allowed as readonly string[]).includes(v)) throw new RowShapeError(column, allowed.join('|'), v);
  return v as T;
}
