/**
 * `npm run bench`: every benchmark, each next to its baseline in the same run.
 * Results are printed as JSON and written to bench/results/ (not committed); docs/benchmarks.md
 * records the figures of a run with the command that produced them.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const results: Record<string, unknown> = {};

if (want('engine')) {
  const { runEngineBench } = await import('./engine.js');
  results.engine = await runEngineBench();
  console.log('engine', JSON.stringify(results.engine, null, 2));
}

// Other benchmarks live beside this file as bench/<name>.ts with a `run()` export.
for (const name of ['iso8583-codec', 'iso8583-fuzz', 'iso8583-link', 'iso20022', 'trust']) {
  if (!want(name) || !existsSync(new URL(`./${name}.ts`, import.meta.url))) continue;
  const mod = (await import(`./${name}.js`)) as { run?: () => Promise<unknown> };
  if (typeof mod.run === 'function') {
    results[name] = await mod.run();
    console.log(name, JSON.stringify(results[name], null, 2));
  }
}

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir.pathname, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2));
