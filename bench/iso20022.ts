/**
 * ISO 20022 benchmark (`npm run bench -- iso20022`, or `npx tsx bench/iso20022.ts [n]`):
 * build and XSD-validate an n-transaction pain.001.001.09 (default 100k), stream-parse an
 * n-entry camt.053.001.08, each next to the same work by iso20022.js (which builds pain.001.001.03)
 * and by a plain fast-xml-parser parse; stream-parse an n-transaction pain.002.001.10 next to the
 * tree parser on the same file. Every measurement runs in its own child process, so peak
 * RSS figures are separate; each includes the process's own baseline (Node + tsx + imports),
 * reported beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCamt053, writePain002 } from './iso20022-data.js';
import { runJob, type JobResult } from './lib.js';

const JOB = fileURLToPath(new URL('./iso20022-job.ts', import.meta.url));

const job = (name: string, n: number, file = ''): Promise<JobResult> => runJob(JOB, name, [name, String(n), file]);

const TARGETS = { buildMs: 2_000, buildRssMb: 250, parseMs: 3_000, parseRssMb: 150, validateMs: 5_000 };

export async function run(n = 100_000): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-bench-iso20022-'));
  try {
    const camt = join(dir, 'camt053.xml');
    const camtBytes = await writeCamt053(camt, n);
    const pain002 = join(dir, 'pain002.xml');
    const pain002Bytes = await writePain002(pain002, n);
    const build = await job('railyard-build-only', n);
    const buildStream = await job('railyard-build-stream', n, join(dir, 'pain001.xml'));
    const buildDirect = await job('railyard-build-direct', n);
    const buildWithRules = await job('railyard-build', n);
    const validate = await job('railyard-validate', n);
    const iso20022jsBuild = await job('iso20022js-build', n);
    const stream = await job('railyard-stream-camt053', n, camt);
    const streamDirect = await job('railyard-stream-camt053-direct', n, camt);
    const camtValidate = await job('railyard-validate-camt053', n, camt);
    const fxp = await job('fxp-parse-camt053', n, camt);
    const iso20022jsParse = await job('iso20022js-parse-camt053', n, camt);
    const pain002Stream = await job('railyard-stream-pain002', n, pain002);
    const pain002Tree = await job('railyard-parse-pain002', n, pain002);
    const ok = (v: number | undefined, max: number): boolean => v !== undefined && v <= max;
    return {
      node: process.version,
      transactions: n,
      camt053Mb: Math.round(camtBytes / 104_857.6) / 10,
      pain002Mb: Math.round(pain002Bytes / 104_857.6) / 10,
      pain001: { railyard: build, railyardStreamedToFile: buildStream, railyardSerializerAlone: buildDirect, railyardWithSepaRules: buildWithRules, railyardXsdValidation: validate, iso20022js: iso20022jsBuild },
      camt053: { railyardStream: stream, railyardStreamModuleAlone: streamDirect, railyardXsdValidation: camtValidate, fastXmlParser: fxp, iso20022js: iso20022jsParse },
      pain002: { railyardStream: pain002Stream, railyardTreeParse: pain002Tree },
      targets: {
        ...TARGETS,
        buildTimeMet: ok(build.ms, TARGETS.buildMs),
        buildRssMet: ok(build.peakRssMb, TARGETS.buildRssMb),
        buildStreamedTimeMet: ok(buildStream.ms, TARGETS.buildMs),
        buildStreamedRssMet: ok(buildStream.peakRssMb, TARGETS.buildRssMb),
        parseTimeMet: ok(stream.ms, TARGETS.parseMs),
        parseRssMet: ok(stream.peakRssMb, TARGETS.parseRssMb),
        parseRssMetStreamModuleAlone: ok(streamDirect.peakRssMb, TARGETS.parseRssMb),
        buildRssMetSerializerAlone: ok(buildDirect.peakRssMb, TARGETS.buildRssMb),
        validationTimeMet: ok(validate.ms, TARGETS.validateMs),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 100_000);
  console.log(JSON.stringify(await run(n), null, 2));
}
