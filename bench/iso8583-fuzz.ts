/**
 * The fuzz property run at scale: FUZZ_FRAMES (default 1,000,000) random and mutated frames over
 * the shipped dialects and an all-EBCDIC variant; prints frames/s, outcome counts and any property failure (exit 1 if any).
 * Run: npx tsx bench/iso8583-fuzz.ts   (FUZZ_SEED to vary the corpus)
 */
import { loadDialect } from '../src/iso8583/index.js';
import { fuzz } from '../test/iso8583/fuzz-core.js';
import { ebcdicVariant } from '../test/iso8583/generate.js';

const frames = Number(process.env['FUZZ_FRAMES'] ?? 1_000_000);
const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 0x7fffffff);
const dialects = [
  ...['demo-card', 'iso87-binary', 'iso87-ascii', 'iso93-ascii'].map((n) => loadDialect(n)),
  ebcdicVariant(loadDialect('demo-card').definition, 'cp037'),
];

const started = process.hrtime.bigint();
const stats = fuzz(dialects, frames, seed);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const report = {
  benchmark: 'iso8583 decoder fuzzing (only Iso8583Error, exact re-encoding)',
  seed,
  frames: stats.frames,
  seconds: Number(seconds.toFixed(2)),
  framesPerSecond: Math.round(stats.frames / seconds),
  decoded: stats.decoded,
  rejected: stats.rejected,
  rejectedByCode: stats.byCode,
  failures: stats.failures,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exitCode = stats.failures.length === 0 ? 0 : 1;
