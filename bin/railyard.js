#!/usr/bin/env node
// The `railyard` command. After `npm run build` it runs the compiled CLI; in a fresh checkout
// (no dist/) it registers tsx and runs the TypeScript sources, so `npx railyard` works either way.
// RAILYARD_CLI_FROM_SOURCE=1 forces the sources, for a checkout whose dist/ is older than src/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/src/cli/index.js', import.meta.url);
let mod;
if (process.env.RAILYARD_CLI_FROM_SOURCE !== '1' && existsSync(fileURLToPath(built))) {
  mod = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/cli/index.ts', import.meta.url).href);
}

let code;
try {
  code = await mod.cli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`railyard: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  code = 1;
}
// Exit explicitly once stdout has drained: a stopped server may leave idle handles behind.
process.stdout.write('', () => process.exit(code));
