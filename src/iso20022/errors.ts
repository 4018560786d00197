/**
 * Every failure of the ISO 20022 library is one of these classes, each carrying a machine code and,
 * where an element is involved, its path (`Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Amt`),
 * so an operator can find the bad element without re-reading the file.
 */

/** A problem found in a document: XSD, rules or parser. `line` only when the source knows it. */
export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  path: string;
  line?: number;
  column?: number;
}

export abstract class Iso20022Error extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${message} (at ${path})` : message);
  }
}

export type ParseErrorCode =
  | 'not_well_formed'
  | 'doctype_forbidden'
  | 'missing_element'
  | 'invalid_value'
  | 'invalid_amount'
  | 'too_many_decimals'
  | 'unknown_currency'
  | 'inconsistent_totals'
  | 'unexpected_message';

export class Iso20022ParseError extends Iso20022Error {
  override readonly name = 'Iso20022ParseError';
  constructor(
    readonly code: ParseErrorCode,
    message: string,
    path: string,
  ) {
    super(message, path);
  }
}

/** The document is larger than the caller allowed: refused before any parsing work. */
export class Iso20022SizeError extends Iso20022Error {
  override readonly name = 'Iso20022SizeError';
  readonly code = 'too_large';
  constructor(
    readonly limitBytes: number,
    readonly actualBytes: number,
    path = '',
    subject = 'document',
  ) {
    super(`${subject} is ${actualBytes} bytes, the limit is ${limitBytes} bytes`, path);
  }
}

/**
 * A structural limit was exceeded: elements nested deeper than `maxDepth` (200k nested tags would
 * otherwise exhaust the stack), or more elements than `maxElements`. Refused before the document
 * is built into a tree, by the tree and the streaming readers alike.
 */
export class Iso20022LimitError extends Iso20022Error {
  override readonly name = 'Iso20022LimitError';
  readonly code: 'too_deep' | 'too_many_elements';
  constructor(
    readonly limit: 'maxDepth' | 'maxElements',
    readonly max: number,
    path = '',
  ) {
    super(limit === 'maxDepth' ? `elements are nested deeper than ${max} levels (limit maxDepth)` : `more than ${max} elements (limit maxElements)`, path);
    this.code = limit === 'maxDepth' ? 'too_deep' : 'too_many_elements';
  }
}

/** Neither the Document namespace nor an AppHdr names a message this library knows. */
export class Iso20022UnknownMessageError extends Iso20022Error {
  override readonly name = 'Iso20022UnknownMessageError';
  readonly code = 'unknown_message';
  constructor(
    /** What the document declared (a namespace, a MsgDefIdr, or a root element name). */
    readonly found: string,
    path: string,
  ) {
    super(`unknown ISO 20022 message: found "${found}"`, path);
  }
}

export type BuildErrorCode =
  | 'missing_value'
  | 'invalid_value'
  | 'invalid_character'
  | 'invalid_amount'
  | 'inconsistent_totals'
  | 'unknown_message';

/** The model cannot be turned into a valid message (before any XSD check). */
export class Iso20022BuildError extends Iso20022Error {
  override readonly name = 'Iso20022BuildError';
  constructor(
    readonly code: BuildErrorCode,
    message: string,
    path: string,
  ) {
    super(message, path);
  }
}

/** Outbound gate: the document we were about to send fails the official XSD. */
export class Iso20022SchemaError extends Iso20022Error {
  override readonly name = 'Iso20022SchemaError';
  readonly code = 'schema_invalid';
  constructor(
    readonly messageType: string,
    readonly findings: readonly Finding[],
  ) {
    super(
      `${messageType} fails its XSD: ` +
        findings
          .slice(0, 5)
          .map((f) => `${f.path}${f.line !== undefined ? ` line ${f.line}` : ''}: ${f.message}`)
          .join('; ') +
        (findings.length > 5 ? `; and ${findings.length - 5} more` : ''),
      findings[0]?.path ?? '',
    );
  }
}

/** Outbound gate for the rules beyond the XSD (SEPA, CBPR+, generic). */
export class Iso20022RulesError extends Iso20022Error {
  override readonly name = 'Iso20022RulesError';
  readonly code = 'rules_failed';
  constructor(readonly findings: readonly Finding[]) {
    super(
      'message breaks profile rules: ' + findings.slice(0, 5).map((f) => `${f.path}: ${f.message}`).join('; '),
      findings[0]?.path ?? '',
    );
  }
}
