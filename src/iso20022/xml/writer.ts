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
  readonly children: readonly XmlElement[];
}

/** Absent optional parts are written as `undefined` and dropped, so serializers read like the XSD. */
export type XmlChild = XmlElement | undefined;

const flatten = (children: ReadonlyArray<XmlChild | readonly XmlChild[]>): XmlElement[] => {
  const out: XmlElement[] = [];
  for (const c of children) {
    if (Array.isArray(c)) {
      for (const x of c as readonly XmlChild[]) if (x) out.push(x);
    } else if (c) out.push(c as XmlElement);
  }
  return out;
};

/** An element that is always written (mandatory containers). */
export function el(name: string, ...children: ReadonlyArray<XmlChild | readonly XmlChild[]>): XmlElement {
  return { name, attrs: [], text: undefined, children: flatten(children) };
}

/** An optional container: written only if at least one child is present. */
export function optEl(name: string, ...children: ReadonlyArray<XmlChild | readonly XmlChild[]>): XmlElement | undefined {
  const kids = flatten(children);
  return kids.length === 0 ? undefined : { name, attrs: [], text: undefined, children: kids };
}

/** A text element; `undefined` value means the element is absent. */
export function leaf(
  name: string,
  value: string | undefined,
  attrs: ReadonlyArray<readonly [string, string]> = [],
): XmlElement | undefined {
  return value === undefined ? undefined : { name, attrs, text: value, children: [] };
}

/** Repeats a leaf for each value, in order. */
export function leaves(name: string, values: readonly string[] | undefined): XmlElement[] {
  return (values ?? []).map((v) => ({ name, attrs: [], text: v, children: [] }));
}

// XML 1.0 Char production: tab, LF, CR, and U+0020 and above minus surrogates, FFFE, FFFF.
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function checkChars(value: string, path: string): void {
  const m = INVALID_CHAR.exec(value);
  if (m) {
    const cp = m[0].codePointAt(0) ?? 0;
    throw new Iso20022BuildError(
      'invalid_character',
      `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} cannot appear in XML`,
      path,
    );
  }
}

export function escapeText(value: string): string {
  // CR would be normalised to LF by any reader; writing it as a reference keeps the value exact.
  return value.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

export function escapeAttr(value: string): string {
  // Attribute-value normalisation turns raw tab/LF/CR into spaces; references survive it.
  return value.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '"' ? '&quot;' : `&#${c.charCodeAt(0)};`,
  );
}

function write(e: XmlElement, depth: number, path: string, out: string[]): void {
  const indent = '  '.repeat(depth);
  let open = `${indent}<${e.name}`;
  for (const [k, v] of e.attrs) {
    checkChars(v, `${path}/@${k}`);
    open += ` ${k}="${escapeAttr(v)}"`;
  }
  if (e.children.length === 0) {
    if (e.text === undefined || e.text === '') {
      out.push(`${open}/>`);
      return;
    }
    checkChars(e.text, path);
    out.push(`${open}>${escapeText(e.text)}</${e.name}>`);
    return;
  }
  out.push(`${open}>`);
  const total = new Map<string, number>();
  for (const c of e.children) total.set(c.name, (total.get(c.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const c of e.children) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    write(c, depth + 1, (total.get(c.name) ?? 0) > 1 ? `${path}/${c.name}[${n}]` : `${path}/${c.name}`, out);
  }
  out.push(`${indent}</${e.name}>`);
}

/** Serialises a root element carrying the message namespace. Output ends with a newline. */
export function serializeRoot(namespace: string, root: XmlElement): string {
  const top: XmlElement = { ...root, attrs: [['xmlns', namespace], ...root.attrs] };
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(top, 0, root.name, out);
  return out.join('\n') + '\n';
}

/** Serialises `<Document xmlns="...">` around the message root. */
export function serializeDocument(namespace: string, root: XmlElement): string {
  return serializeRoot(namespace, { name: 'Document', attrs: [], text: undefined, children: [root] });
}
