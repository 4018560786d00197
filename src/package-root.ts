/**
 * The package root: the nearest directory above this module holding a package.json. The same code
 * runs from `src/` under tsx and from `dist/src/` after tsc, so files the package ships (schemas,
 * page assets) are found from here, never from the working directory.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    // The module always lives inside the package; reaching the file system's root means the
    // installation is broken, which no caller can repair.
    if (up === dir) throw new Error('railyard: no package.json above src/package-root');
    dir = up;
  }
}
