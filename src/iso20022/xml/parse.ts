import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Iso20022LimitError, Iso20022ParseError, Iso20022SizeError } from '../errors.js';
import { localName, prefixOf, type XNode } from './tree.js';

/**
 * Safe DOM parse of an inbound document. Nothing is typed here: every value stays the exact string
 * of the file (`000000001`, 23-digit references, `0.10`), typing happens in the message readers.
 * Entities are decoded by this module in one pass (fast-xml-parser is told to leave them alone), so
 * `&amp;#228;` stays the literal `&#228;` and no entity can expand into markup.
 */

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface ParseXmlOptions {
  /** Refuse larger documents (UTF-8 bytes). Large statements should use the streaming reader. */
  maxBytes?: number;
  /** Refuse elements nested deeper than this (default `DEFAULT_MAX_DEPTH`); the streaming readers use the same. */
  maxDepth?: number;
  /** Refuse documents with more elements than this (default `DEFAULT_MAX_ELEMENTS`). */
  maxElements?: number;
}

/** ISO 20022 messages nest about 15 levels; 100 leaves room for envelopes and still bounds the stack. */
export const DEFAULT_MAX_DEPTH = 100;
/** About what a 20 MB document of real elements holds; a tree of more costs too much memory. */
export const DEFAULT_MAX_ELEMENTS = 2_000_000;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const QUOTE = 0x22;
const APOS = 0x27;

/**
 * Depth and element count in one linear pass over the text, before any parser builds a tree: the
 * tree conversion recurses per level, so 200k nested tags must be refused here, with a typed
 * error, not by a stack overflow. Comments, CDATA, processing instructions and quoted attribute
 * values are skipped so a `<` or `>` inside them is not counted. Well-formedness is the
 * validator's job; this only bounds the work.
 */
export function assertShape(xml: string, maxDepth: number, maxElements: number): void {
  let depth = 0;
  let elements = 0;
  const n = xml.length;
  let i = xml.indexOf('<');
  while (i >= 0 && i < n) {
    const next = xml.charCodeAt(i + 1);
    if (next === BANG) {
      const end = xml.startsWith('<!--', i) ? xml.indexOf('-->', i + 4) : xml.startsWith('<![CDATA[', i) ? xml.indexOf(']]>', i + 9) : xml.indexOf('>', i + 2);
      if (end < 0) return;
      i = xml.indexOf('<', end + 1);
      continue;
    }
    if (next === QUESTION) {
      const end = xml.indexOf('?>', i + 2);
      if (end < 0) return;
      i = xml.indexOf('<', end + 2);
      continue;
    }
    if (next === SLASH) {
      depth -= 1;
      const end = xml.indexOf('>', i + 2);
      if (end < 0) return;
      i = xml.indexOf('<', end + 1);
      continue;
    }
    // an opening tag: find its end outside quoted attribute values
    let j = i + 1;
    let quote = 0;
    for (; j < n; j++) {
      const c = xml.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === QUOTE || c === APOS) quote = c;
      else if (c === GT || c === LT) break;
    }
    if (j >= n) return;
    elements += 1;
    if (elements > maxElements) throw new Iso20022LimitError('maxElements', maxElements);
    if (xml.charCodeAt(j - 1) !== SLASH) {
      depth += 1;
      if (depth > maxDepth) throw new Iso20022LimitError('maxDepth', maxDepth);
    }
    i = xml.indexOf('<', j);
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z][A-Za-z0-9]*));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(raw: string, path: () => string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(ENTITY, (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) {
      const v = NAMED[name];
      if (v === undefined) throw new Iso20022ParseError('not_well_formed', `undeclared entity &${name};`, path());
      return v;
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec ?? '', 10);
    const ok =
      cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!ok) throw new Iso20022ParseError('not_well_formed', `character reference to an invalid character`, path());
    return String.fromCodePoint(cp);
  });
}

/** `<!DOCTYPE` opens the door to entity expansion and external fetches: never accepted inbound. */
export function assertNoDoctype(xml: string): void {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new Iso20022ParseError('doctype_forbidden', 'a DOCTYPE declaration is not accepted', '');
  }
}

export function assertSize(xml: string, maxBytes: number): void {
  // Cheap upper bound first so a huge string is not encoded just to be refused.
  if (xml.length > maxBytes || Buffer.byteLength(xml, 'utf8') > maxBytes) {
    throw new Iso20022SizeError(maxBytes, Buffer.byteLength(xml, 'utf8'));
  }
}

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function elementKey(item: Raw): string | undefined {
  for (const k in item) if (k !== ':@') return k;
  return undefined;
}

/**
 * fast-xml-parser's ordered output -> XNode. Paths are only needed for error messages, so they
 * are computed lazily: building a path string for every node of a 30 MB file costs seconds.
 */
function convert(items: unknown[], parentPath: () => string): XNode[] {
  const out: XNode[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const key = elementKey(item);
    if (key === undefined || key === '#text' || key === '#cdata') continue;
    const name = localName(key);
    const position = out.length;
    const here = (): string => {
      const n = out.slice(0, position).filter((x) => x.name === name).length + 1;
      const parent = parentPath();
      const base = parent ? `${parent}/${name}` : name;
      return n > 1 ? `${base}[${n}]` : base;
    };
    const rawAttrs = item[':@'];
    const attrs: Record<string, string> = {};
    if (isRecord(rawAttrs)) {
      for (const k in rawAttrs) attrs[k] = decodeEntities(String(rawAttrs[k]), here);
    }
    const body = item[key];
    const kids = Array.isArray(body) ? (body as unknown[]) : [];
    let text = '';
    for (const k of kids) {
      if (!isRecord(k)) continue;
      const t = k['#text'];
      if (typeof t === 'string') text += decodeEntities(t, here);
      else if (Array.isArray(k['#cdata'])) {
        for (const c of k['#cdata'] as unknown[]) if (isRecord(c) && typeof c['#text'] === 'string') text += c['#text'];
      }
    }
    out.push({ name, prefix: prefixOf(key), attrs, children: convert(kids, here), text });
  }
  return out;
}

/** Parses to the root element. Throws typed errors for size, DOCTYPE and well-formedness. */
export function parseXml(input: string, options: ParseXmlOptions = {}): XNode {
  assertSize(input, options.maxBytes ?? DEFAULT_MAX_BYTES);
  // Bank files often start with a UTF-8 byte order mark; it is not content.
  const xml = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  assertNoDoctype(xml);
  assertShape(xml, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.maxElements ?? DEFAULT_MAX_ELEMENTS);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Iso20022ParseError('not_well_formed', `${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`, '');
  }
  const raw: unknown = parser.parse(xml);
  const roots = convert(Array.isArray(raw) ? raw : [], () => '');
  const root = roots[0];
  if (!root || roots.length > 1) throw new Iso20022ParseError('not_well_formed', 'a document has exactly one root element', '');
  return root;
}
