/**
 * Batch reconciliation benchmark (`npx tsx bench/batch-reconcile.ts [n]`, or `npm run bench --
 * batch-reconcile`): a camt.053.001.08 with n booked entries (default 100k) reconciled against n
 * expected payments through the streaming reader, next to the baseline of stream-parsing the same
 * file without matching. Each measurement runs in its own child process (this file with `--job`),
 * so each peak RSS (getrusage maxRSS) is its own; the expected payments are built before the
 * clock starts but count in the reconcile job's RSS, as they do in production.
 * Targets: reconcile <= 10 s and <= 300 MB peak RSS.
 *
 * The statement is not all happy path: 0.5% of entries carry an amount one cent off
 * (AMOUNT_MISMATCH), 0.5% carry a foreign EndToEndId (MISSING_IN_OURS; their payments, accepted
 * in pain.002 and now absent, are STATUS_CONFLICT), every tenth is matched by UETR; balances add up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExpectedPayment } from '../src/batch/reconcile/index.js';
import { writeStatement } from './iso20022-data.js';
import { runJob, type JobResult } from './lib.js';

const SELF = fileURLToPath(import.meta.url);
const TARGETS = { reconcileMs: 10_000, reconcileRssMb: 300 };

const pad = (i: number, n: number): string => String(i).padStart(n, '0');
const amountOf = (i: number): number => 100 + ((i * 7919) % 999_900);
const uetrOf = (i: number): string => `00000000-0000-4000-8000-${pad(i, 12)}`;
const mismatched = (i: number): boolean => i % 200 === 7;
const foreign = (i: number): boolean => i % 200 === 13;

export function expectedPayments(n: number): ExpectedPayment[] {
  const out = new Array<ExpectedPayment>(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      paymentId: `pay_${pad(i, 9)}`,
      endToEndId: `E2E-${pad(i, 9)}`,
      ...(i % 10 === 0 ? { uetr: uetrOf(i) } : {}),
      paymentInformationId: `PMTINF-${Math.floor(i / 1000)}`,
      messageId: 'BENCH-PAIN001-1',
      amount: amountOf(i),
      currency: 'EUR',
      direction: 'credit',
      executionDate: '2026-11-20',
      settlement: 'batched',
      bankStatus: 'accepted',
    };
  }
  return out;
}

/** The statement: every payment booked, some one cent off, some unknown to us, every tenth with its UETR. */
export function writeReconStatement(path: string, n: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < n; i++) total += amountOf(i) + (mismatched(i) ? 1 : 0);
  const opening = 100_000;
  return writeStatement(path, n, {
    id: 'BENCH-RECON-1',
    openingMinor: opening,
    closingMinor: opening + total,
    line: (i) => ({
      amountMinor: amountOf(i) + (mismatched(i) ? 1 : 0),
      endToEndId: foreign(i) ? `FOREIGN-${pad(i, 9)}` : `E2E-${pad(i, 9)}`,
      ...(i % 10 === 0 ? { uetr: uetrOf(i) } : {}),
      name: 'Max Mustermann',
      iban: 'DE75512108001245126199',
      remittance: `Invoice ${2026_000_000 + i}`,
    }),
  });
}

const mb = (kb: number): number => Math.round(kb / 102.4) / 10;

/** One measurement, in this (child) process; prints one JSON line. */
async function job(name: string, file: string, n: number): Promise<void> {
  const { streamCamt053File } = await import('../src/iso20022/camt053/stream.js');
  const { reconcileStatement } = await import('../src/batch/reconcile/index.js');
  let result: Record<string, unknown>;
  let baselineKb: number;
  let ms: number;
  if (name === 'parse') {
    baselineKb = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    let entries = 0;
    for await (const ev of streamCamt053File(file)) if (ev.kind === 'entry') entries++;
    ms = performance.now() - t0;
    result = { entries };
  } else {
    const expected = expectedPayments(n);
    baselineKb = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const r = await reconcileStatement({
      entries: streamCamt053File(file),
      expected,
      asOf: '2026-11-27',
      missingAfterBusinessDays: 2,
      businessDaysBetween: () => 5,
    });
    ms = performance.now() - t0;
    const byType: Record<string, number> = {};
    for (const b of r.breaks) byType[b.type] = (byType[b.type] ?? 0) + 1;
    const settled = r.settlements.filter((s) => s.to === 'settled').length;
    const uetr = r.settlements.filter((s) => s.matchedBy === 'uetr').length;
    result = { entries: r.statement.entries, settled, mismatch: r.settlements.length - settled, matchedByUetr: uetr, breaks: byType, totals: r.totals };
  }
  const peakKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ job: name, ms: Math.round(ms), baselineRssMb: mb(baselineKb), peakRssMb: mb(peakKb), ...result }) + '\n');
}

const child = (name: string, file: string, n: number): Promise<JobResult> => runJob(SELF, name, ['--job', name, file, String(n)]);

export async function run(n = 100_000): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-bench-reconcile-'));
  try {
    const file = join(dir, 'camt053.xml');
    const bytes = await writeReconStatement(file, n);
    const parse = await child('parse', file, n);
    const reconcile = await child('reconcile', file, n);
    const ok = (v: number | undefined, max: number): boolean => v !== undefined && v <= max;
    return {
      node: process.version,
      entries: n,
      expectedPayments: n,
      camt053Mb: Math.round(bytes / 104_857.6) / 10,
      baselineStreamParse: parse,
      reconcile,
      matchingCostMs: reconcile.ms !== undefined && parse.ms !== undefined ? reconcile.ms - parse.ms : undefined,
      targets: { ...TARGETS, timeMet: ok(reconcile.ms, TARGETS.reconcileMs), rssMet: ok(reconcile.peakRssMb, TARGETS.reconcileRssMb) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--job') {
    await job(process.argv[3] ?? '', process.argv[4] ?? '', Number(process.argv[5] ?? 100_000));
  } else {
    console.log(JSON.stringify(await run(Number(process.argv[2] ?? 100_000)), null, 2));
  }
}
