/**
 * Codec errors. A message carries the code, the field path and the byte offset, and never the
 * field's value: these errors end up in logs and API problem details, and a value may be a PAN,
 * track data or a PIN block.
 */
export type Iso8583ErrorCode =
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'INVALID_LENGTH_PREFIX'
  | 'LENGTH_EXCEEDS_MAX'
  | 'LENGTH_MISMATCH'
  | 'INVALID_CHARACTER'
  | 'INVALID_BCD'
  | 'INVALID_HEX'
  | 'INVALID_PADDING'
  | 'INVALID_VALUE_TYPE'
  | 'INVALID_MTI'
  | 'MISSING_MTI'
  | 'UNKNOWN_FIELD'
  | 'BITMAP_FIELD_GIVEN'
  | 'NON_CANONICAL_BITMAP'
  | 'INVALID_TLV'
  | 'DUPLICATE_TAG'
  | 'MISSING_SUBFIELD'
  | 'DIALECT_NOT_FOUND';

export class Iso8583Error extends Error {
  override readonly name = 'Iso8583Error';
  readonly code: Iso8583ErrorCode;
  /** Field path: "0" for the MTI, "2", "55.9F02", "127.2"; "" for the frame as a whole. */
  readonly path: string;
  /** Byte offset in the frame (unpack) or in the frame being built (pack). */
  readonly offset: number;

  /** `reason` must be a fixed text or describe lengths/positions only: never pass a value in. */
  constructor(code: Iso8583ErrorCode, path: string, offset: number, reason: string) {
    super(`${code} at field ${path === '' ? '(frame)' : path}, offset ${offset}: ${reason}`);
    this.code = code;
    this.path = path;
    this.offset = offset;
  }
}

export interface DialectIssue {
  /** JSON path inside the dialect document, e.g. `fields.55.prefix.type`. */
  readonly path: string;
  readonly message: string;
}

/** A dialect document failed its schema or a consistency rule; lists every problem found. */
export class DialectError extends Error {
  override readonly name = 'DialectError';
  readonly issues: readonly DialectIssue[];

  constructor(source: string, issues: readonly DialectIssue[]) {
    super(
      `invalid ISO 8583 dialect ${source}:\n` +
        issues.map((i) => `  ${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n'),
    );
    this.issues = issues;
  }
}

/** Builds a sub-path only when an error is raised, so the hot path never concatenates strings. */
export const subPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);
