/**
 * The dialect document (`schemas/iso8583/<name>.json`): field specs are data so a bank's variant is
 * a JSON file, not code. The shape is checked against `dialect.schema.json` before these types are
 * trusted, then compiled (see compile.ts).
 */
import type { EbcdicCodePage } from './ebcdic.js';
import type { FieldType } from './charset.js';

export type IsoVersion = '1987' | '1993' | '2003';
export type ValueEncoding = 'ascii' | 'ebcdic' | 'bcd' | 'binary' | 'hex';
export type PrefixEncoding = 'ascii' | 'ebcdic' | 'bcd' | 'binary';
export type PrefixType = 'L' | 'LL' | 'LLL' | 'LLLL' | 'LLLLL' | 'LLLLLL';
export type ReversalMti = '0400' | '0420' | '1400' | '1420' | '2400' | '2420';
export type Sensitivity = 'pan' | 'wipe' | 'none';

export interface PrefixDefinition {
  /** ASCII/EBCDIC/BCD: number of length digits. Binary: number of length bytes (L = 1 byte). */
  readonly type: PrefixType;
  readonly encoding: PrefixEncoding;
  /** `units` (default): chars, digits or value bytes. `bytes`: bytes on the wire. */
  readonly counts?: 'units' | 'bytes';
}

export interface BcdDefinition {
  /** `right` (default for n): an odd value is padded at the left. `left` (default for z): at the right. */
  readonly align?: 'left' | 'right';
  /** Pad nibble; default `0` for n, `F` for z. */
  readonly pad?: '0' | 'F';
}

export interface TagDefinition {
  readonly name: string;
  readonly sensitive?: Sensitivity;
}

export interface CompositeDefinition {
  /** tlv: BER-TLV (EMV DE55). bitmap: private bitmap then subfields (DE127). positional: subfields in order. */
  readonly kind: 'tlv' | 'bitmap' | 'positional';
  /** bitmap only: size of the private bitmap in bytes (default 8, subfields 1..64). */
  readonly bitmapBytes?: number;
  /** bitmap and positional: subfield specs keyed by subfield number. */
  readonly subfields?: Readonly<Record<string, FieldDefinition>>;
  /** tlv only: names (and masking) of known tags; unknown tags are still kept. */
  readonly tags?: Readonly<Record<string, TagDefinition>>;
  /**
   * positional only, all subfields fixed and plain: the value is one flat string (the subfields
   * concatenated), still checked subfield by subfield.
   */
  readonly flat?: boolean;
}

export interface FieldDefinition {
  readonly name: string;
  /** Required for plain fields; absent for composite fields (their content is bytes). */
  readonly type?: FieldType;
  /** Fixed length, or maximum length when there is a prefix; in units (bytes for composites and b). */
  readonly length: number;
  readonly encoding?: ValueEncoding;
  /** Absent: fixed length. */
  readonly prefix?: PrefixDefinition;
  readonly bcd?: BcdDefinition;
  /** How describe() shows the value. Defaults: DE2/DE34 `pan`, DE35/36/45/52 `wipe`. */
  readonly sensitive?: Sensitivity;
  readonly composite?: CompositeDefinition;
}

export interface DialectDefinition {
  readonly $schema?: string;
  readonly name: string;
  readonly description?: string;
  readonly version: IsoVersion;
  readonly ebcdicCodePage?: EbcdicCodePage;
  readonly mti: { readonly encoding: 'ascii' | 'ebcdic' | 'bcd' };
  readonly bitmap: {
    readonly encoding: 'binary' | 'ascii-hex' | 'ebcdic-hex';
    /** DE65 becomes the tertiary bitmap and fields 129..192 exist. */
    readonly tertiary?: boolean;
  };
  readonly reversal?: {
    /** Reversal request (x400) or reversal advice (x420), with the dialect's version digit. */
    readonly mti: ReversalMti;
    /** DE39 values in the reversal response that mean the original is reversed (or never existed). */
    readonly acceptedResponseCodes: readonly string[];
  };
  /** Which messages carry a MAC and how; absent: the dialect defines no MAC. */
  readonly mac?: MacSpecDefinition;
  /** Network management as this host spells it; absent: the standard's for `version` (see network.ts). */
  readonly network?: NetworkDefinition;
  readonly fields: Readonly<Record<string, FieldDefinition>>;
}

export interface MacSpecDefinition {
  /** Name of the key in configuration; the key material itself is never in the dialect. */
  readonly key: string;
  readonly algorithm: 'retail-3des' | 'aes-cmac';
  /** ISO 9797-1 padding method for retail-3des; default 1. */
  readonly padding?: 1 | 2;
  /** `64-or-128`: DE128 when the secondary bitmap is present, else DE64. */
  readonly field: '64' | '128' | '64-or-128';
  /** MTI patterns of four characters, `x` for any digit (`01xx`, `0200`). */
  readonly messages: readonly string[];
  /** DE70 codes of network management messages (x8xx) that carry a MAC. */
  readonly networkCodes?: readonly string[];
}

/** Overrides of the version's standard network management (any subset). */
export interface NetworkDefinition {
  readonly requestMti?: string;
  readonly responseMti?: string;
  /** The field carrying the function code: `70` (1987) or `24` (1993). */
  readonly codeField?: string;
  readonly codes?: Partial<Readonly<Record<'signOn' | 'signOff' | 'echo' | 'keyChange', string>>>;
  /** DE39 of an approved network request. */
  readonly approved?: string;
  /** DE39 answering a request the link does not support. */
  readonly notSupported?: string;
}
