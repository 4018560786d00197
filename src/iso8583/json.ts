/**
 * Field JSON text that keeps TLV tag order. JSON.parse and JSON.stringify list integer-like keys
 * ("82", "95") before the others, so an EMV DE55 taken through plain JSON would come back with its
 * tags reordered and a different frame (and MAC). This reader remembers each object's key order as
 * written, and the writer prints TLV objects in wire order.
 */
import { isFieldObject } from './fields.js';
import { rememberTagOrder, tagOrder } from './tlv.js';

export class FieldJsonError extends Error {
  override readonly name = 'FieldJsonError';
}

const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
  #i = 0;
  constructor(private readonly s: string) {}

  parse(): unknown {
    const v = this.#value(0);
    this.#ws();
    if (this.#i !== this.s.length) this.#fail('unexpected text after the JSON value');
    return v;
  }

  // Position only: the text may hold a PAN, so it is never quoted back.
  #fail(msg: string): never {
    throw new FieldJsonError(`invalid JSON at character ${this.#i}: ${msg}`);
  }

  /** Matches a sticky regex at the cursor and moves past it (no slicing: large inputs stay linear). */
  #match(re: RegExp): string | undefined {
    re.lastIndex = this.#i;
    const m = re.exec(this.s);
    if (m === null) return undefined;
    this.#i = re.lastIndex;
    return m[0];
  }

  #ws(): void {
    while (this.#i < this.s.length && ' \t\n\r'.includes(this.s[this.#i] ?? '')) this.#i++;
  }

  #value(depth: number): unknown {
    if (depth > 32) this.#fail('nested too deeply');
    this.#ws();
    const c = this.s[this.#i];
    if (c === '{') return this.#object(depth);
    if (c === '[') return this.#array(depth);
    if (c === '"') return this.#string();
    const m = this.#match(LITERAL);
    if (m === undefined) this.#fail('expected a value');
    return JSON.parse(m) as unknown;
  }

  #object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    this.#i++;
    this.#ws();
    if (this.s[this.#i] === '}') {
      this.#i++;
      return out;
    }
    for (;;) {
      this.#ws();
      if (this.s[this.#i] !== '"') this.#fail('expected a key');
      const k = this.#string();
      if (Object.hasOwn(out, k)) this.#fail('duplicate key');
      this.#ws();
      if (this.s[this.#i] !== ':') this.#fail('expected ":"');
      this.#i++;
      out[k] = this.#value(depth + 1);
      keys.push(k);
      this.#ws();
      const c = this.s[this.#i++];
      if (c === '}') break;
      if (c !== ',') this.#fail('expected "," or "}"');
    }
    rememberTagOrder(out, keys);
    return out;
  }

  #array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.#i++;
    this.#ws();
    if (this.s[this.#i] === ']') {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.#value(depth + 1));
      this.#ws();
      const c = this.s[this.#i++];
      if (c === ']') return out;
      if (c !== ',') this.#fail('expected "," or "]"');
    }
  }

  #string(): string {
    const m = this.#match(STRING);
    if (m === undefined) this.#fail('bad string');
    return JSON.parse(m) as string;
  }
}

/** Parses field JSON, remembering the written key order of every object (for TLV fields). */
export const parseFieldJson = (text: string): unknown => new Parser(text).parse();

const write = (v: unknown, indent: string, step: string): string => {
  if (!isFieldObject(v)) return JSON.stringify(v) ?? 'null';
  const keys = tagOrder(v).filter((k) => v[k] !== undefined);
  if (keys.length === 0) return '{}';
  const inner = indent + step;
  const body = keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(v[k], inner, step)}`).join(',\n');
  return `{\n${body}\n${indent}}`;
};

/** Pretty-prints field JSON with TLV objects in wire order. */
export const stringifyFields = (fields: Readonly<Record<string, unknown>>, step = '  '): string => write(fields, '', step);
