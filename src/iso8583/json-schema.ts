/**
 * A small JSON Schema checker for the subset the dialect schema uses, so dialect files are checked
 * against the published schema without a dependency. Unsupported keywords are rejected when the
 * schema is compiled, so the schema cannot silently ask for more than this enforces.
 */
import type { DialectIssue } from './errors.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

const SUPPORTED = new Set([
  '$schema', '$id', '$defs', '$ref', 'title', 'description',
  'type', 'enum', 'pattern', 'minimum', 'maximum', 'minLength',
  'required', 'properties', 'additionalProperties', 'patternProperties', 'items',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const typeOf = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

const typeMatches = (want: unknown, v: unknown): boolean => {
  const got = typeOf(v);
  return want === got || (want === 'number' && got === 'integer');
};

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

export class SchemaChecker {
  readonly #root: JsonSchema;
  readonly #patterns = new Map<string, RegExp>();

  constructor(root: JsonSchema) {
    this.#root = root;
    this.#assertSupported(root, '');
  }

  check(value: unknown): DialectIssue[] {
    const issues: DialectIssue[] = [];
    this.#check(this.#root, value, '', issues);
    return issues;
  }

  #assertSupported(schema: unknown, where: string): void {
    if (!isObject(schema)) return;
    for (const [k, v] of Object.entries(schema)) {
      if (!SUPPORTED.has(k)) throw new Error(`dialect schema uses unsupported keyword ${k} at ${where}`);
      if (k === '$defs' || k === 'properties' || k === 'patternProperties') {
        if (isObject(v)) for (const [n, s] of Object.entries(v)) this.#assertSupported(s, join(where, n));
      } else if (k === 'items' || k === 'additionalProperties') {
        this.#assertSupported(v, join(where, k));
      }
    }
  }

  #resolve(ref: string): JsonSchema {
    const m = /^#\/\$defs\/([A-Za-z0-9_-]+)$/.exec(ref);
    const defs = this.#root['$defs'];
    const target = m?.[1] !== undefined && isObject(defs) ? defs[m[1]] : undefined;
    if (!isObject(target)) throw new Error(`dialect schema has an unresolvable $ref ${ref}`);
    return target;
  }

  #regex(p: string): RegExp {
    let r = this.#patterns.get(p);
    if (r === undefined) {
      r = new RegExp(p, 'u');
      this.#patterns.set(p, r);
    }
    return r;
  }

  #check(schema: JsonSchema, v: unknown, path: string, out: DialectIssue[]): void {
    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      this.#check(this.#resolve(ref), v, path, out);
      return;
    }
    const type = schema['type'];
    if (type !== undefined && !typeMatches(type, v)) {
      out.push({ path, message: `must be of type ${String(type)}, got ${typeOf(v)}` });
      return;
    }
    const en = schema['enum'];
    if (Array.isArray(en) && !en.includes(v)) {
      out.push({ path, message: `must be one of ${en.map((e) => JSON.stringify(e)).join(', ')}` });
      return;
    }
    if (typeof v === 'string') this.#checkString(schema, v, path, out);
    if (typeof v === 'number') this.#checkNumber(schema, v, path, out);
    if (Array.isArray(v) && isObject(schema['items'])) {
      const items = schema['items'];
      v.forEach((item, i) => this.#check(items, item, join(path, String(i)), out));
    }
    if (isObject(v)) this.#checkObject(schema, v, path, out);
  }

  #checkString(schema: JsonSchema, v: string, path: string, out: DialectIssue[]): void {
    const pattern = schema['pattern'];
    if (typeof pattern === 'string' && !this.#regex(pattern).test(v)) {
      out.push({ path, message: `must match ${pattern}` });
    }
    const minLength = schema['minLength'];
    if (typeof minLength === 'number' && v.length < minLength) {
      out.push({ path, message: `must be at least ${minLength} characters` });
    }
  }

  #checkNumber(schema: JsonSchema, v: number, path: string, out: DialectIssue[]): void {
    const min = schema['minimum'];
    const max = schema['maximum'];
    if (typeof min === 'number' && v < min) out.push({ path, message: `must be >= ${min}` });
    if (typeof max === 'number' && v > max) out.push({ path, message: `must be <= ${max}` });
  }

  #checkObject(schema: JsonSchema, v: Record<string, unknown>, path: string, out: DialectIssue[]): void {
    const required = schema['required'];
    if (Array.isArray(required)) {
      for (const r of required) {
        if (typeof r === 'string' && !(r in v)) out.push({ path: join(path, r), message: 'is required' });
      }
    }
    const props = isObject(schema['properties']) ? schema['properties'] : {};
    const patternProps = isObject(schema['patternProperties']) ? schema['patternProperties'] : {};
    const additional = schema['additionalProperties'];
    for (const [key, child] of Object.entries(v)) {
      const p = join(path, key);
      let matched = false;
      const propSchema = props[key];
      if (isObject(propSchema)) {
        matched = true;
        this.#check(propSchema, child, p, out);
      }
      for (const [pattern, s] of Object.entries(patternProps)) {
        if (isObject(s) && this.#regex(pattern).test(key)) {
          matched = true;
          this.#check(s, child, p, out);
        }
      }
      if (matched) continue;
      if (additional === false) out.push({ path: p, message: 'is not allowed here' });
      else if (isObject(additional)) this.#check(additional, child, p, out);
    }
  }
}
