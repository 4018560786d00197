import type { z } from 'zod';

/**
 * One contract for connector settings: each connector describes its `settings` block with a zod
 * schema (exported as `settingsSchema` and held by the registry), so the configuration loader
 * reports a bad value at start with its key path, together with the rest of the file's problems,
 * and the factory reads the same schema for programmatic callers. Keys are the code's camelCase;
 * configuration files write them in snake_case (src/config/connector-settings.ts maps them).
 */
export type SettingsSchema = z.ZodType<unknown, unknown>;

/** One problem with a settings block: where (inside `settings`) and what, never the value itself. */
export interface SettingsIssue {
  path: PropertyKey[];
  message: string;
}

/** What is wrong with `input` for `schema`; empty when it is valid. */
export function settingsIssues(schema: SettingsSchema, input: unknown): SettingsIssue[] {
  const r = schema.safeParse(input ?? {}, { error: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? 'is required' : undefined) });
  return r.success ? [] : flatten(r.error.issues, []);
}

function flatten(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): SettingsIssue[] {
  return issues.flatMap((i): SettingsIssue[] => {
    const at = [...prefix, ...i.path];
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...at, k], message: 'unknown key' }));
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      // `false` or an object: when the value took one option's shape and failed inside it, name
      // the key inside (mac.algorithm) rather than say it matched no option
      const inside = i.errors.filter((option) => option.some((o) => o.path.length > 0 || o.code === 'unrecognized_keys'));
      if (inside.length === 1 && inside[0]) return flatten(inside[0], at);
    }
    return [{ path: at, message: i.message }];
  });
}

/** `['sftp', 'hostKeySha256', 0]` -> `settings.sftp.hostKeySha256[0]` */
export function settingsPath(path: readonly PropertyKey[]): string {
  let out = 'settings';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/**
 * Parses a connector's settings or throws the connector's own error, whose message lists every
 * problem as `settings.<path>: <problem>`.
 */
export function parseSettings<S extends SettingsSchema>(schema: S, input: unknown, fail: (message: string) => Error): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw fail(
    settingsIssues(schema, input)
      .map((i) => `${settingsPath(i.path)}: ${i.message}`)
      .join('; '),
  );
}
