import { Iso20022BuildError } from '../errors.js';

/**
 * A tiny, deterministic XML writer. Serializers list children in XSD sequence order; this module
 * only turns that tree into bytes. Same tree in, same string out: fixed indentation, attributes in
 * the order given, no dates or randomness here.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly text: string | undefined;
  readonly children: ReadonlyArray<XmlElement | Repeated>;
}

/**
 * `count` same-named elements made one at a time while writing and dropped right after: a
 * 100k-transaction message never holds 100k element trees at once (that, not the XML, cost
 * seconds of garbage collection and most of the memory).
 */
export interface Repeated {
  readonly repeated: true;
  readonly name: string;
  readonly count: number;
  readonly at: (index: number) => XmlElement;
}

export function repeated(name: string, count: number, at: (index: number) => XmlElement): Repeated {
  return { repeated: true, name, count, at };
}

const isRepeated = (c: XmlElement | Repeated): c is Repeated => 'repeated' in c;

/** Absent optional parts are written as `undefined` and dropped, so serializers read like the XSD. */
export type XmlChild = XmlElement | undefined;
type ChildArg = XmlChild | Repeated | readonly XmlChild[];

// Shared empties: a large message has millions of leaves, and each would otherwise carry two new arrays.
const NO_ATTRS: ReadonlyArray<readonly [string, string]> = Object.freeze([]);
const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

const flatten = (children: readonly ChildArg[]): Array<XmlElement | Repeated> => {
  const out: Array<XmlElement | Repeated> = [];
  for (const c of children) {
    if (c === undefined) continue;
    if (Array.isArray(c)) {
      for (const x of c as readonly XmlChild[]) if (x) out.push(x);
      continue;
    }
    const one = c as XmlElement | Repeated;
    // an empty repetition writes nothing, so it must not make an optional container appear
    if (!(isRepeated(one) && one.count === 0)) out.push(one);
  }
  return out;
};

/** An element that is always written (mandatory containers). */
export function el(name: string, ...children: readonly ChildArg[]): XmlElement {
  return { name, attrs: NO_ATTRS, text: undefined, children: flatten(children) };
}

/** An optional container: written only if at least one child is present. */
export function optEl(name: string, ...children: readonly ChildArg[]): XmlElement | undefined {
  const kids = flatten(children);
  return kids.length === 0 ? undefined : { name, attrs: NO_ATTRS, text: undefined, children: kids };
}

/** A text element; `undefined` value means the element is absent. */
export function leaf(
  name: string,
  value: string | undefined,
  attrs: ReadonlyArray<readonly [string, string]> = NO_ATTRS,
): XmlElement | undefined {
  return value === undefined ? undefined : { name, attrs, text: value, children: NO_CHILDREN };
}

/** Repeats a leaf for each value, in order. */
export function leaves(name: string, values: readonly string[] | undefined): XmlElement[] {
  return (values ?? []).map((v) => ({ name, attrs: NO_ATTRS, text: v, children: NO_CHILDREN }));
}

// XML 1.0 Char production: tab, LF, CR, and U+0020 and above minus surrogates, FFFE, FFFF.
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function checkChars(value: string, path: () => string): void {
  const m = INVALID_CHAR.exec(value);
  if (m) {
    const cp = m[0].codePointAt(0) ?? 0;
    throw new Iso20022BuildError(
      'invalid_character',
      `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} cannot appear in XML`,
      path(),
    );
  }
}

const TEXT_SPECIAL = /[&<>\r]/;

export function escapeText(value: string): string {
  if (!TEXT_SPECIAL.test(value)) return value;
  // CR would be normalised to LF by any reader; writing it as a reference keeps the value exact.
  return value.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

export function escapeAttr(value: string): string {
  // Attribute-value normalisation turns raw tab/LF/CR into spaces; references survive it.
  return value.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`,
  );
}

/**
 * The path of child `k` (item `i` of it when it is a Repeated) of `parent`, as error paths name
 * it (`PmtInf/CdtTrfTxInf[2]/Amt`: an index only among same-named siblings). Worked out only
 * when a value is refused, so writing a large file builds no path strings at all.
 */
function childPath(parentPath: () => string, parent: XmlElement, k: number, i: number, name: string): string {
  let before = 0;
  let total = 0;
  parent.children.forEach((c, j) => {
    if (c.name !== name) return;
    const size = isRepeated(c) ? c.count : 1;
    total += size;
    if (j < k) before += size;
    else if (j === k) before += isRepeated(c) ? i : 0;
  });
  return total > 1 ? `${parentPath()}/${name}[${before + 1}]` : `${parentPath()}/${name}`;
}

const INDENTS: string[] = [];
const indentOf = (depth: number): string => (INDENTS[depth] ??= '  '.repeat(depth));

/**
 * Lines joined in ~64 kB flat pieces: one array of millions of tiny strings, or one string grown
 * by `+=` (a rope that lives until the end), costs more in garbage collection than the XML itself.
 */
class Lines {
  private readonly parts: string[] = [];
  private lines: string[] = [];
  private size = 0;

  /** With a sink, each flat piece goes out as soon as it is full and nothing is kept. */
  constructor(private readonly sink: ((piece: string) => void) | undefined) {}

  add(line: string): void {
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size > 65_536) this.flush();
  }

  private flush(): void {
    this.lines.push(''); // the last line's newline
    const piece = this.lines.join('\n');
    if (this.sink) this.sink(piece);
    else this.parts.push(piece);
    this.lines = [];
    this.size = 0;
  }

  text(): string {
    if (this.lines.length > 0) this.flush();
    return this.parts.join('');
  }
}

/**
 * Where the serializer running now writes, when a caller streams (`writeTo`). Serializers are
 * synchronous, so no other serialization can run while this is set; it is always reset.
 */
let currentSink: ((piece: string) => void) | undefined;

/**
 * Runs `serialize` with its output going to `sink` in ~64 kB pieces instead of into one string: a
 * 100k-transaction file never exists whole in memory (its pieces and the joined string would).
 */
export function writeTo(sink: (piece: string) => void, serialize: () => string): void {
  if (currentSink) throw new Error('writeTo: a streamed serialization is already running');
  currentSink = sink;
  try {
    serialize();
  } finally {
    currentSink = undefined;
  }
}

function write(e: XmlElement, depth: number, where: () => string, out: Lines): void {
  const indent = indentOf(depth);
  let open = `${indent}<${e.name}`;
  for (const [k, v] of e.attrs) {
    checkChars(v, () => `${where()}/@${k}`);
    open += ` ${k}="${escapeAttr(v)}"`;
  }
  if (e.children.length === 0) {
    if (e.text === undefined || e.text === '') {
      out.add(`${open}/>`);
      return;
    }
    checkChars(e.text, where);
    out.add(`${open}>${escapeText(e.text)}</${e.name}>`);
    return;
  }
  out.add(`${open}>`);
  e.children.forEach((c, k) => {
    if (!isRepeated(c)) return write(c, depth + 1, () => childPath(where, e, k, 0, c.name), out);
    for (let i = 0; i < c.count; i++) write(c.at(i), depth + 1, () => childPath(where, e, k, i, c.name), out);
  });
  out.add(`${indent}</${e.name}>`);
}

/** Serialises a root element carrying the message namespace. Output ends with a newline. */
export function serializeRoot(namespace: string, root: XmlElement): string {
  const top: XmlElement = { ...root, attrs: [['xmlns', namespace], ...root.attrs] };
  const out = new Lines(currentSink);
  out.add('<?xml version="1.0" encoding="UTF-8"?>');
  write(top, 0, () => top.name, out);
  return out.text();
}

/** Serialises `<Document xmlns="...">` around the message root. */
export function serializeDocument(namespace: string, root: XmlElement): string {
  return serializeRoot(namespace, { name: 'Document', attrs: [], text: undefined, children: [root] });
}
