/**
 * Serves the pages' own static files (stylesheets, small progressive scripts) from directories the
 * package ships. A request names a file by a plain relative path; anything that could leave the
 * directory (`..`, a backslash, an encoded slash, a dot file) is refused before the file system is
 * touched, and only known file types are served, with their exact content type.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Hono } from 'hono';
import { packageRoot } from '../package-root.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Railyard's own page assets: `src/web/assets` in the package (shipped as-is; they are browser code, not compiled). */
export const webAssetsDir = (): string => join(packageRoot(), 'src', 'web', 'assets');

/** Resolves a request path inside `dir`, or undefined if it is not a plain, servable file name. */
export function assetFile(dir: string, requested: string): string | undefined {
  if (!SAFE_PATH.test(requested) || requested.split('/').some((s) => s === '.' || s === '..')) return undefined;
  if (!(extname(requested) in TYPES)) return undefined;
  const root = resolve(dir);
  const file = resolve(root, requested);
  return file.startsWith(root + sep) ? file : undefined;
}

/**
 * Mounts `dir` under `prefix` (e.g. `/console/assets`). Assets are immutable per release, so a
 * browser may cache them for an hour; pages themselves are never cached.
 */
export function mountAssets(app: Hono, prefix: string, dir: string): void {
  app.get(`${prefix}/*`, async (c) => {
    const requested = c.req.path.slice(prefix.length + 1);
    const file = assetFile(dir, requested);
    if (!file) return c.text('not found', 404);
    try {
      const body = await readFile(file);
      return c.body(body, 200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
        'cross-origin-resource-policy': 'same-origin',
      });
    } catch {
      return c.text('not found', 404);
    }
  });
}
