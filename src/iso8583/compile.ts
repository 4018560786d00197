/**
 * Turns a schema-checked dialect document into arrays indexed by field number, with every choice
 * (encoding, prefix width, pad nibble, char table) resolved once, so pack/unpack do no lookups by
 * name and no per-field allocation.
 */
import { charTable, type FieldType } from './charset.js';
import { ebcdicTable, type EbcdicTable } from './ebcdic.js';
import type { DialectIssue } from './errors.js';
import { checkMacSpec } from './mac-spec.js';
import type {
  DialectDefinition,
  FieldDefinition,
  PrefixEncoding,
  Sensitivity,
  ValueEncoding,
} from './dialect-types.js';

export const enum Enc {
  Ascii = 0,
  Ebcdic = 1,
  Bcd = 2,
  Binary = 3,
  Hex = 4,
}

export const enum Kind {
  Plain = 0,
  Tlv = 1,
  Bitmap = 2,
  Positional = 3,
}

export const enum Mask {
  None = 0,
  Pan = 1,
  Wipe = 2,
}

const ENC: Record<ValueEncoding, Enc> = { ascii: Enc.Ascii, ebcdic: Enc.Ebcdic, bcd: Enc.Bcd, binary: Enc.Binary, hex: Enc.Hex };
const PREFIX_ENC: Record<PrefixEncoding, Enc> = { ascii: Enc.Ascii, ebcdic: Enc.Ebcdic, bcd: Enc.Bcd, binary: Enc.Binary };
const MASK: Record<Sensitivity, Mask> = { pan: Mask.Pan, wipe: Mask.Wipe, none: Mask.None };

export interface CompiledTag {
  readonly name: string;
  readonly mask: Mask;
}

/** One field or subfield. A class so every instance has the same hidden class (monomorphic access). */
export class CompiledField {
  constructor(
    readonly num: number,
    readonly key: string,
    readonly name: string,
    readonly kind: Kind,
    readonly type: FieldType,
    readonly enc: Enc,
    /** Allowed ASCII chars for text types. */
    readonly allowed: Uint8Array,
    readonly isXn: boolean,
    readonly allowD: boolean,
    readonly fixed: boolean,
    /** Fixed or maximum length in units. */
    readonly length: number,
    /** Digits (text/BCD prefixes) or bytes (binary prefixes). */
    readonly prefixDigits: number,
    readonly prefixEnc: Enc,
    /** Bytes the prefix occupies on the wire. */
    readonly prefixWidth: number,
    /** Largest number the prefix can hold. */
    readonly prefixMax: number,
    readonly countsBytes: boolean,
    readonly bcdLeft: boolean,
    readonly padNibble: number,
    readonly mask: Mask,
    readonly ebcdic: EbcdicTable,
    /** Bitmap/positional: subfields by number, and the defined ones in ascending order. */
    readonly subByNum: ReadonlyArray<CompiledField | undefined>,
    readonly subList: readonly CompiledField[],
    readonly subByKey: ReadonlyMap<string, CompiledField>,
    readonly bitmapBytes: number,
    readonly tags: ReadonlyMap<string, CompiledTag>,
    /** Flat positional: the value is one string; these are the subfields' character widths. */
    readonly flatWidths: readonly number[] | undefined,
  ) {}
}

export type BitmapEncoding = 'binary' | 'ascii-hex' | 'ebcdic-hex';

export interface CompiledDialect {
  readonly definition: DialectDefinition;
  readonly mtiEnc: Enc;
  readonly versionDigit: number;
  readonly bitmapEnc: BitmapEncoding;
  readonly tertiary: boolean;
  readonly maxField: number;
  readonly byNum: ReadonlyArray<CompiledField | undefined>;
  readonly byKey: ReadonlyMap<string, CompiledField>;
  readonly keys: readonly string[];
  readonly ebcdic: EbcdicTable;
}

const VERSION_DIGIT = { '1987': 0, '1993': 1, '2003': 2 } as const;

/** Masking defaults for fields whose number means the same thing in every ISO 8583 version. */
const DEFAULT_MASK: Readonly<Record<number, Mask>> = {
  2: Mask.Pan,
  34: Mask.Pan,
  35: Mask.Wipe,
  36: Mask.Wipe,
  45: Mask.Wipe,
  52: Mask.Wipe,
};

/** EMV tags that carry a PAN or track/PIN data, masked by describe() unless the dialect says otherwise. */
const DEFAULT_TAG_MASK: Readonly<Record<string, Mask>> = {
  '5A': Mask.Pan,
  '57': Mask.Wipe,
  '56': Mask.Wipe,
  '99': Mask.Wipe,
  '9F1F': Mask.Wipe,
  '9F20': Mask.Wipe,
  '9F6B': Mask.Wipe,
};

const prefixCapacity = (enc: Enc, digits: number): number =>
  enc === Enc.Binary ? Math.min(2 ** (8 * digits) - 1, 0xffffffff) : 10 ** digits - 1;

/** Bytes on the wire of a value of `units` units (chars, digits or value bytes). */
export const wireBytes = (f: CompiledField, units: number): number => {
  switch (f.enc) {
    case Enc.Bcd:
      return (f.isXn ? 1 : 0) + ((units + 1) >> 1);
    case Enc.Hex:
      return units * 2;
    case Enc.Binary:
      return units;
    default:
      return f.isXn ? units + 1 : units;
  }
};

interface Ctx {
  readonly issues: DialectIssue[];
  readonly ebcdic: EbcdicTable;
}

const EMPTY_TABLE = new Uint8Array(128);
const NO_TAGS: ReadonlyMap<string, CompiledTag> = new Map();

const compileSubfields = (
  defs: Readonly<Record<string, FieldDefinition>> | undefined,
  path: string,
  ctx: Ctx,
): { byNum: Array<CompiledField | undefined>; list: CompiledField[]; byKey: Map<string, CompiledField> } => {
  const byNum: Array<CompiledField | undefined> = [];
  const list: CompiledField[] = [];
  const byKey = new Map<string, CompiledField>();
  for (const [key, def] of Object.entries(defs ?? {})) {
    const num = Number(key);
    const f = compileField(num, key, def, `${path}.${key}`, ctx, false);
    if (f === undefined) continue;
    byNum[num] = f;
    byKey.set(key, f);
  }
  for (const f of byNum) if (f !== undefined) list.push(f);
  return { byNum, list, byKey };
};

const compileField = (
  num: number,
  key: string,
  def: FieldDefinition,
  path: string,
  ctx: Ctx,
  topLevel: boolean,
): CompiledField | undefined => {
  const issue = (sub: string, message: string): undefined => {
    ctx.issues.push({ path: sub === '' ? path : `${path}.${sub}`, message });
    return undefined;
  };
  const start = ctx.issues.length;
  const comp = def.composite;
  const prefix = def.prefix;
  let kind = Kind.Plain;
  let type: FieldType = 'b';
  let enc = Enc.Binary;
  if (comp !== undefined) {
    if (def.type !== undefined) issue('type', 'composite fields have no type (their content is bytes)');
    if (def.encoding !== undefined) issue('encoding', 'composite fields have no encoding (subfields do)');
    kind = comp.kind === 'tlv' ? Kind.Tlv : comp.kind === 'bitmap' ? Kind.Bitmap : Kind.Positional;
    if (kind === Kind.Tlv && comp.subfields !== undefined) issue('composite.subfields', 'not allowed for tlv');
    if (kind !== Kind.Tlv && comp.tags !== undefined) issue('composite.tags', 'only allowed for tlv');
    if (kind !== Kind.Bitmap && comp.bitmapBytes !== undefined) issue('composite.bitmapBytes', 'only allowed for bitmap');
    if (kind !== Kind.Positional && comp.flat !== undefined) issue('composite.flat', 'only allowed for positional');
    if (kind !== Kind.Tlv && Object.keys(comp.subfields ?? {}).length === 0) {
      issue('composite.subfields', 'at least one subfield is required');
    }
  } else {
    if (def.type === undefined) return issue('type', 'is required for a field that is not composite');
    if (def.encoding === undefined) return issue('encoding', 'is required for a field that is not composite');
    type = def.type;
    enc = ENC[def.encoding];
    const text = type !== 'b';
    if (!text && enc !== Enc.Binary && enc !== Enc.Hex) issue('encoding', 'type b needs encoding binary or hex');
    if (text && (enc === Enc.Binary || enc === Enc.Hex)) issue('encoding', `type ${type} cannot use encoding ${def.encoding}`);
    if (enc === Enc.Bcd && type !== 'n' && type !== 'z' && type !== 'x+n') issue('encoding', `type ${type} cannot be BCD`);
    if (def.bcd !== undefined && enc !== Enc.Bcd) issue('bcd', 'only allowed with encoding bcd');
    if (type === 'x+n' && prefix !== undefined) issue('prefix', 'x+n fields are fixed length');
  }
  const bcdLeft = (def.bcd?.align ?? (type === 'z' ? 'left' : 'right')) === 'left';
  const padNibble = (def.bcd?.pad ?? (type === 'z' ? 'F' : '0')) === 'F' ? 0xf : 0;
  const countsBytes = prefix?.counts === 'bytes';
  if (countsBytes && enc === Enc.Bcd && padNibble === 0) {
    issue('bcd.pad', 'a BCD field whose prefix counts bytes needs pad F (a 0 pad nibble would be read as a digit)');
  }
  const prefixDigits = prefix?.type.length ?? 0;
  const prefixEnc = prefix === undefined ? Enc.Ascii : PREFIX_ENC[prefix.encoding];
  if (prefix !== undefined && prefixEnc === Enc.Binary && prefixDigits > 4) issue('prefix.type', 'a binary prefix has at most 4 bytes');
  const prefixWidth = prefix === undefined ? 0 : prefixEnc === Enc.Bcd ? (prefixDigits + 1) >> 1 : prefixDigits;
  const prefixMax = prefix === undefined ? 0 : prefixCapacity(prefixEnc, prefixDigits);

  let sub = { byNum: [] as Array<CompiledField | undefined>, list: [] as CompiledField[], byKey: new Map<string, CompiledField>() };
  const bitmapBytes = comp?.bitmapBytes ?? 8;
  if (comp !== undefined && kind !== Kind.Tlv) {
    sub = compileSubfields(comp.subfields, `${path}.composite.subfields`, ctx);
    if (kind === Kind.Bitmap) {
      for (const f of sub.list) {
        if (f.num > bitmapBytes * 8) issue(`composite.subfields.${f.key}`, `is beyond the ${bitmapBytes * 8} bits of the private bitmap`);
      }
    }
  }
  let flatWidths: number[] | undefined;
  if (kind === Kind.Positional && comp?.flat === true) {
    flatWidths = [];
    for (const sf of sub.list) {
      if (!sf.fixed || sf.kind !== Kind.Plain) issue(`composite.subfields.${sf.key}`, 'a flat positional field needs fixed, plain subfields');
      flatWidths.push(sf.isXn ? sf.length + 1 : sf.type === 'b' ? sf.length * 2 : sf.length);
    }
  }
  const tags = new Map<string, CompiledTag>();
  for (const [tag, t] of Object.entries(comp?.tags ?? {})) {
    tags.set(tag, { name: t.name, mask: MASK[t.sensitive ?? 'none'] });
  }
  if (kind === Kind.Tlv) {
    for (const [tag, m] of Object.entries(DEFAULT_TAG_MASK)) {
      if (!tags.has(tag)) tags.set(tag, { name: '', mask: m });
    }
  }
  const mask = def.sensitive !== undefined ? MASK[def.sensitive] : topLevel ? (DEFAULT_MASK[num] ?? Mask.None) : Mask.None;
  const f = new CompiledField(
    num, key, def.name, kind, type, enc,
    type === 'b' ? EMPTY_TABLE : charTable(type),
    type === 'x+n', type === 'z',
    prefix === undefined, def.length,
    prefixDigits, prefixEnc, prefixWidth, prefixMax, countsBytes,
    bcdLeft, padNibble, mask, ctx.ebcdic,
    sub.byNum, sub.list, sub.byKey, bitmapBytes, kind === Kind.Tlv ? tags : NO_TAGS, flatWidths,
  );
  if (prefix !== undefined) {
    const need = countsBytes && kind === Kind.Plain ? wireBytes(f, def.length) : def.length;
    if (need > prefixMax) issue('length', `${def.length} does not fit a ${prefix.type} ${prefix.encoding} prefix`);
  }
  return ctx.issues.length === start ? f : undefined;
};

/** Compiles a schema-valid definition; returns issues for rules a JSON Schema cannot express. */
export const compileDialect = (def: DialectDefinition): CompiledDialect | DialectIssue[] => {
  const ctx: Ctx = { issues: [], ebcdic: ebcdicTable(def.ebcdicCodePage ?? 'cp037') };
  const tertiary = def.bitmap.tertiary === true;
  const maxField = tertiary ? 192 : 128;
  const byNum: Array<CompiledField | undefined> = new Array<CompiledField | undefined>(maxField + 1).fill(undefined);
  const byKey = new Map<string, CompiledField>();
  for (const [key, fd] of Object.entries(def.fields)) {
    const num = Number(key);
    const path = `fields.${key}`;
    if (num < 2 || num > maxField) {
      ctx.issues.push({ path, message: `field numbers run from 2 to ${maxField} (0 is the MTI, 1 the secondary bitmap)` });
      continue;
    }
    if (tertiary && num === 65) {
      ctx.issues.push({ path, message: 'field 65 is the tertiary bitmap in a dialect with bitmap.tertiary' });
      continue;
    }
    const f = compileField(num, key, fd, path, ctx, true);
    if (f === undefined) continue;
    byNum[num] = f;
    byKey.set(key, f);
  }
  ctx.issues.push(...checkMacSpec(def));
  if (ctx.issues.length > 0) return ctx.issues;
  const keys: string[] = [];
  for (let i = 0; i <= maxField; i++) keys.push(String(i));
  return {
    definition: def,
    mtiEnc: def.mti.encoding === 'ascii' ? Enc.Ascii : def.mti.encoding === 'ebcdic' ? Enc.Ebcdic : Enc.Bcd,
    versionDigit: VERSION_DIGIT[def.version],
    bitmapEnc: def.bitmap.encoding,
    tertiary,
    maxField,
    byNum,
    byKey,
    keys,
    ebcdic: ctx.ebcdic,
  };
};
