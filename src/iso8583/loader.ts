/**
 * Finds, checks and compiles dialect files. Names resolve to `schemas/iso8583/<name>.json` under
 * the package root, found by walking up from this module to the nearest package.json, so the same
 * code works from `src/` under tsx and from `dist/src/` after tsc.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileDialect, type CompiledDialect } from './compile.js';
import type { DialectDefinition } from './dialect-types.js';
import { DialectError, Iso8583Error } from './errors.js';
import { SchemaChecker, type JsonSchema } from './json-schema.js';

let packageRoot: string | undefined;

export const findPackageRoot = (): string => {
  if (packageRoot !== undefined) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      packageRoot = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('railyard: no package.json above the iso8583 module');
    dir = up;
  }
};

export const schemaDir = (): string => join(findPackageRoot(), 'schemas', 'iso8583');

let checker: SchemaChecker | undefined;
const schemaChecker = (): SchemaChecker => {
  checker ??= new SchemaChecker(JSON.parse(readFileSync(join(schemaDir(), 'dialect.schema.json'), 'utf8')) as JsonSchema);
  return checker;
};

/** Checks a parsed document against the schema and the consistency rules, then compiles it. */
export const compileDefinition = (doc: unknown, source: string): CompiledDialect => {
  const issues = schemaChecker().check(doc);
  if (issues.length > 0) throw new DialectError(source, issues);
  const compiled = compileDialect(doc as DialectDefinition);
  if (Array.isArray(compiled)) throw new DialectError(source, compiled);
  return compiled;
};

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export const resolveDialectPath = (nameOrPath: string): string => {
  if (NAME.test(nameOrPath)) return join(schemaDir(), `${nameOrPath}.json`);
  return resolve(nameOrPath);
};

export const readDialectFile = (nameOrPath: string): { path: string; doc: unknown } => {
  const path = resolveDialectPath(nameOrPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Iso8583Error('DIALECT_NOT_FOUND', '', 0, `no dialect file for ${JSON.stringify(nameOrPath)}`);
  }
  try {
    return { path, doc: JSON.parse(text) as unknown };
  } catch (e) {
    throw new DialectError(path, [{ path: '', message: `not valid JSON (${e instanceof Error ? e.message : 'parse error'})` }]);
  }
};
