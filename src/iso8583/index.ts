/**
 * `railyard/iso8583`: load a dialect, then pack, unpack and describe messages in the field JSON
 * shape shared with the CLI (`{"0":"0200","2":"…","55":{"9F02":"…"}}`).
 */
import { MessageCodec } from './codec.js';
import type { CompiledDialect } from './compile.js';
import { describeFields } from './describe.js';
import type { DialectDefinition, IsoVersion, ReversalMti } from './dialect-types.js';
import type { EbcdicCodePage } from './ebcdic.js';

export type { EbcdicCodePage } from './ebcdic.js';
import type { FieldMap } from './fields.js';
import { compileDefinition, readDialectFile, resolveDialectPath } from './loader.js';

export { Iso8583Error, DialectError } from './errors.js';
export type { Iso8583ErrorCode, DialectIssue } from './errors.js';
export type { FieldMap, FieldValue } from './fields.js';
export type * from './dialect-types.js';
export { parseMti, responseMti, type MtiParts } from './mti.js';
export { maskPan } from './describe.js';
export { parseFieldJson, stringifyFields, FieldJsonError } from './json.js';

export interface Dialect {
  readonly name: string;
  readonly version: IsoVersion;
  /** The MTI this dialect uses to reverse a transaction: x400 (request) or x420 (advice). */
  readonly reversalMti: ReversalMti;
  readonly reversalIsAdvice: boolean;
  /** DE39 values of a reversal response that mean "reversed" (or "original never arrived"). */
  readonly acceptedReversalCodes: readonly string[];
  /** The checked dialect document, for tools that need field metadata. */
  readonly definition: DialectDefinition;
  /** Field map -> frame (no transport length header). Throws Iso8583Error. */
  pack(fields: Readonly<Record<string, unknown>>): Uint8Array;
  /** Frame -> field map; exact inverse of pack. Throws Iso8583Error. */
  unpack(bytes: Uint8Array): FieldMap;
  /** Masked multi-line description for logs. */
  describe(fields: Readonly<Record<string, unknown>>): string;
}

const build = (c: CompiledDialect): Dialect => {
  const codec = new MessageCodec(c);
  const def = c.definition;
  const reversalMti = def.reversal?.mti ?? '0400';
  return Object.freeze({
    name: def.name,
    version: def.version,
    reversalMti,
    reversalIsAdvice: reversalMti[2] === '2',
    acceptedReversalCodes: Object.freeze([...(def.reversal?.acceptedResponseCodes ?? ['00'])]),
    definition: def,
    pack: (fields: Readonly<Record<string, unknown>>): Uint8Array => codec.pack(fields),
    unpack: (bytes: Uint8Array): FieldMap => codec.unpack(bytes),
    describe: (fields: Readonly<Record<string, unknown>>): string => describeFields(c, fields),
  });
};

const cache = new Map<string, Dialect>();

export interface LoadDialectOptions {
  /**
   * The EBCDIC code page of this host, over the dialect file's own (`iso87-ebcdic` ships cp037;
   * z/OS hosts often use cp1047). The same field table serves both: only [ ] ^ differ.
   */
  ebcdicCodePage?: EbcdicCodePage;
}

/**
 * A dialect by name (`iso87-ascii` -> `schemas/iso8583/iso87-ascii.json` in this package) or by
 * file path. Checked against `dialect.schema.json`; throws DialectError listing every problem.
 */
export const loadDialect = (nameOrPath: string, options: LoadDialectOptions = {}): Dialect => {
  const page = options.ebcdicCodePage;
  const key = `${resolveDialectPath(nameOrPath)}${page ? `#${page}` : ''}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const { path, doc } = readDialectFile(nameOrPath);
  const withPage = page && typeof doc === 'object' && doc !== null ? { ...doc, ebcdicCodePage: page } : doc;
  const d = build(compileDefinition(withPage, path));
  cache.set(key, d);
  return d;
};

/** A dialect from an in-memory document (a bank profile that embeds its field table). */
export const createDialect = (definition: unknown, source = '(inline dialect)'): Dialect =>
  build(compileDefinition(definition, source));
