/**
 * `npm run bench`: every benchmark, each in its own process (so one's heap and JIT state do not
 * colour the next) and each next to its own baseline inside that process. Output is printed and
 * kept in bench/results/ (not committed); docs/benchmarks.md records a run's figures and commands.
 * `npm run bench -- engine iso8583-codec` runs a subset.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ALL = ['engine', 'iso8583-codec', 'iso8583-fuzz', 'iso8583-link', 'iso8583-framing', 'iso20022', 'trust', 'batch'];
const only = process.argv.slice(2);
const names = only.length > 0 ? only : ALL;
const here = new URL('.', import.meta.url).pathname;
const results: Record<string, { status: number | null; output: string }> = {};

for (const name of names) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.log(`# ${name}: not present in this checkout`);
    continue;
  }
  console.log(`# ${name}`);
  const runner = `import(${JSON.stringify(file)}).then(async (m) => { if (typeof m.run === 'function') console.log(JSON.stringify(await m.run(), null, 2)); })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', runner], {
    encoding: 'utf8',
    env: { ...process.env, FUZZ_FRAMES: process.env.FUZZ_FRAMES ?? '1000000' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trim();
  console.log(output);
  results[name] = { status: r.status, output };
}

const dir = join(here, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2));
