import { settingsIssues, type SettingsSchema } from '../connector/settings.js';

/**
 * Configuration files write every key in snake_case, connector settings included; the code and
 * the connectors' schemas use camelCase. This is the one place that maps one to the other, led by
 * the connector's schema: keys of an object in the schema are names (mapped), keys of a record are
 * data (HTTP header names, MAC key names: kept as written), and a part the schema leaves open
 * (`unknown`) is mapped as names throughout. Problems come back with the key path as the file
 * writes it.
 */

export interface FileSettingsIssue {
  /** Inside `settings`, as the file spells it. */
  path: PropertyKey[];
  message: string;
}

const toCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const toSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The object shapes a value may take under `schema` (several for a union), wrappers removed. */
function unwrap(schema: unknown): Def | undefined {
  let def = defOf(schema);
  for (let i = 0; def && i < 32; i++) {
    if (WRAPPERS.has(def.type)) def = defOf(def.innerType);
    else if (def.type === 'pipe') def = defOf(def.in);
    else if (def.type === 'lazy') def = defOf((def.getter as () => unknown)());
    else return def;
  }
  return def;
}

/** The field schemas of every object `schema` may be, the first option winning a name two share. */
function shapeOf(def: Def): Record<string, unknown> | undefined {
  if (def.type === 'object') return def.shape as Record<string, unknown>;
  if (def.type === 'union') {
    const shapes = (def.options as unknown[]).map((o) => unwrap(o)).flatMap((d) => (d ? [shapeOf(d)] : [])).filter((s) => s !== undefined);
    return shapes.length > 0 ? Object.assign({}, ...shapes.reverse()) : undefined;
  }
  return undefined;
}

function convert(value: unknown, schema: unknown, at: PropertyKey[], issues: FileSettingsIssue[]): unknown {
  const def = schema === undefined ? undefined : unwrap(schema);
  if (Array.isArray(value)) {
    const element = def?.type === 'array' ? def.element : def ? null : undefined;
    return value.map((v, i) => (element === null ? v : convert(v, element, [...at, i], issues)));
  }
  if (!isPlainObject(value)) return value;
  if (def?.type === 'record') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, def.valueType, [...at, k], issues)]));
  }
  const shape = def ? shapeOf(def) : undefined;
  // a part the schema describes as something other than an object: leave it for the schema to refuse
  if (def && !shape && def.type !== 'unknown' && def.type !== 'any') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (/[A-Z]/.test(k)) issues.push({ path: [...at, k], message: `write keys in snake_case (${toSnake(k)})` });
    const name = toCamel(k);
    out[name] = convert(v, shape ? shape[name] : undefined, [...at, k], issues);
  }
  return out;
}

/** The path of a schema issue (camelCase) as the file wrote it. */
function filePath(input: unknown, path: readonly PropertyKey[]): PropertyKey[] {
  const out: PropertyKey[] = [];
  let node: unknown = input;
  for (const seg of path) {
    if (typeof seg !== 'string' || !isPlainObject(node)) {
      out.push(seg);
      node = Array.isArray(node) && typeof seg === 'number' ? node[seg] : undefined;
      continue;
    }
    const written = Object.hasOwn(node, seg) ? seg : Object.keys(node).find((k) => toCamel(k) === seg);
    out.push(written ?? toSnake(seg));
    node = written === undefined ? undefined : node[written];
  }
  return out;
}

/**
 * A connector's `settings` block from a file, in the code's camelCase, checked against the
 * connector's schema. `issues` is empty when the settings can be used.
 */
export function settingsFromFile(schema: SettingsSchema, input: unknown): { settings: Record<string, unknown>; issues: FileSettingsIssue[] } {
  const issues: FileSettingsIssue[] = [];
  const converted = convert(input ?? {}, schema, [], issues);
  const settings = isPlainObject(converted) ? converted : {};
  for (const i of settingsIssues(schema, converted)) issues.push({ path: filePath(input, i.path), message: i.message });
  return { settings, issues };
}
