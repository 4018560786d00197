import type { Reader } from './xml/reader.js';
import type { Acmt023v03 } from './acmt023/v03/model.js';
import { parseAcmt023v03 } from './acmt023/v03/parse.js';
import { serializeAcmt023v03 } from './acmt023/v03/serialize.js';
import type { Acmt024v03 } from './acmt024/v03/model.js';
import { parseAcmt024v03 } from './acmt024/v03/parse.js';
import { serializeAcmt024v03 } from './acmt024/v03/serialize.js';
import type { CamtDocument } from './camt/model.js';
import { serializeCamt053v08, serializeCamt054v08 } from './camt/serialize.js';
import { parseCamt052 } from './camt052/index.js';
import { parseCamt053 } from './camt053/index.js';
import { parseCamt054 } from './camt054/index.js';
import type { Camt029v09 } from './camt029/v09/model.js';
import { parseCamt029v09 } from './camt029/v09/parse.js';
import { serializeCamt029v09 } from './camt029/v09/serialize.js';
import type { Camt055v08 } from './camt055/v08/model.js';
import { parseCamt055v08 } from './camt055/v08/parse.js';
import { serializeCamt055v08 } from './camt055/v08/serialize.js';
import type { Camt056v08 } from './camt056/v08/model.js';
import { parseCamt056v08 } from './camt056/v08/parse.js';
import { serializeCamt056v08 } from './camt056/v08/serialize.js';
import type { Head001v02 } from './head001/v02/model.js';
import { parseHead001v02 } from './head001/v02/parse.js';
import { serializeHead001v02 } from './head001/v02/serialize.js';
import type { Pacs004v09 } from './pacs004/v09/model.js';
import { parsePacs004v09 } from './pacs004/v09/parse.js';
import { serializePacs004v09 } from './pacs004/v09/serialize.js';
import type { Pacs028v03 } from './pacs028/v03/model.js';
import { parsePacs028v03 } from './pacs028/v03/parse.js';
import { serializePacs028v03 } from './pacs028/v03/serialize.js';
import type { Pain001v09 } from './pain001/v09/model.js';
import { parsePain001v09 } from './pain001/v09/parse.js';
import { serializePain001v09 } from './pain001/v09/serialize.js';
import type { Pain002v10 } from './pain002/v10/model.js';
import { parsePain002v10 } from './pain002/v10/parse.js';
import { serializePain002v10 } from './pain002/v10/serialize.js';
import type { Pacs002v10 } from './pacs002/v10/model.js';
import { parsePacs002v10 } from './pacs002/v10/parse.js';
import { serializePacs002v10 } from './pacs002/v10/serialize.js';
import type { Pacs008v08 } from './pacs008/v08/model.js';
import { parsePacs008v08 } from './pacs008/v08/parse.js';
import { serializePacs008v08 } from './pacs008/v08/serialize.js';

/**
 * The one table of supported messages: which can be parsed, which can be built. Adding a message
 * version is adding a line here and its folder.
 */
export interface BuildableModels {
  'pain.001.001.09': Pain001v09;
  'pain.002.001.10': Pain002v10;
  'pacs.008.001.08': Pacs008v08;
  'pacs.002.001.10': Pacs002v10;
  'pacs.028.001.03': Pacs028v03;
  'acmt.023.001.03': Acmt023v03;
  'acmt.024.001.03': Acmt024v03;
  'pacs.004.001.09': Pacs004v09;
  'camt.055.001.08': Camt055v08;
  'camt.056.001.08': Camt056v08;
  'camt.029.001.09': Camt029v09;
  'head.001.001.02': Head001v02;
  'camt.053.001.08': CamtDocument;
  'camt.054.001.08': CamtDocument;
}

/** Statement versions read by the one version-tolerant camt reader. */
export const CAMT_VERSIONS = ['02', '03', '04', '05', '06', '07', '08'] as const;
type CamtVersion = (typeof CAMT_VERSIONS)[number];
export type CamtType = `camt.052.001.${'01' | CamtVersion}` | `camt.053.001.${CamtVersion}` | `camt.054.001.${CamtVersion}`;

/** Older versions read with the newer reader (their shapes are a subset, old tag names tolerated). */
export type ReadOnlyModels = Record<CamtType, CamtDocument> & {
  'pain.001.001.03': Pain001v09;
  'pain.002.001.03': Pain002v10;
};

export type MessageModels = BuildableModels & ReadOnlyModels;
export type MessageType = keyof MessageModels;
export type BuildableType = keyof BuildableModels;

/** `{ type: 'pacs.008.001.08', model }`, discriminated on `type`. */
export type ParsedMessage = { [K in MessageType]: { type: K; model: MessageModels[K] } }[MessageType];

type Parsers = { [K in MessageType]: (doc: Reader) => MessageModels[K] };
type Serializers = { [K in BuildableType]: (model: BuildableModels[K]) => string };

const camtParsers = Object.fromEntries([
  ...['01', ...CAMT_VERSIONS].map((v) => [`camt.052.001.${v}`, parseCamt052] as const),
  ...CAMT_VERSIONS.map((v) => [`camt.053.001.${v}`, parseCamt053] as const),
  ...CAMT_VERSIONS.map((v) => [`camt.054.001.${v}`, parseCamt054] as const),
]) as Record<CamtType, (doc: Reader) => CamtDocument>;

export const parsers: Parsers = {
  ...camtParsers,
  'pain.001.001.03': parsePain001v09,
  'pain.002.001.03': parsePain002v10,
  'pain.001.001.09': parsePain001v09,
  'pain.002.001.10': parsePain002v10,
  'pacs.008.001.08': parsePacs008v08,
  'pacs.002.001.10': parsePacs002v10,
  'pacs.028.001.03': parsePacs028v03,
  'acmt.023.001.03': parseAcmt023v03,
  'acmt.024.001.03': parseAcmt024v03,
  'pacs.004.001.09': parsePacs004v09,
  'camt.055.001.08': parseCamt055v08,
  'camt.056.001.08': parseCamt056v08,
  'camt.029.001.09': parseCamt029v09,
  'head.001.001.02': parseHead001v02,
};

export const serializers: Serializers = {
  'pain.001.001.09': serializePain001v09,
  'pain.002.001.10': serializePain002v10,
  'pacs.008.001.08': serializePacs008v08,
  'pacs.002.001.10': serializePacs002v10,
  'pacs.028.001.03': serializePacs028v03,
  'acmt.023.001.03': serializeAcmt023v03,
  'acmt.024.001.03': serializeAcmt024v03,
  'pacs.004.001.09': serializePacs004v09,
  'camt.055.001.08': serializeCamt055v08,
  'camt.056.001.08': serializeCamt056v08,
  'camt.029.001.09': serializeCamt029v09,
  'head.001.001.02': serializeHead001v02,
  'camt.053.001.08': serializeCamt053v08,
  'camt.054.001.08': serializeCamt054v08,
};

export const isMessageType = (t: string): t is MessageType => Object.hasOwn(parsers, t);
export const isBuildableType = (t: string): t is BuildableType => Object.hasOwn(serializers, t);
export const messageTypes = (): MessageType[] => Object.keys(parsers).sort() as MessageType[];
export const buildableTypes = (): BuildableType[] => Object.keys(serializers).sort() as BuildableType[];
