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
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExpectedPayment } from '../src/batch/reconcile/index.js';

const run$ = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const TARGETS = { reconcileMs: 10_000, reconcileRssMb: 300 };

const pad = (i: number, n: number): string => String(i).padStart(n, '0');
const amountOf = (i: number): number => 100 + ((i * 7919) % 999_900);
const uetrOf = (i: number): string => `00000000-0000-4000-8000-${pad(i, 12)}`;
const mismatched = (i: number): boolean => i % 200 === 7;
const foreign = (i: number): boolean => i % 200 === 13;
const decimal = (m: number): string => `${Math.floor(m / 100)}.${pad(m % 100, 2)}`;

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

/** The statement, streamed to disk in 256 kB chunks with back-pressure; returns its size. */
export async function writeStatement(path: string, n: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = (s: string): Promise<void> | void => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) return new Promise((r) => out.once('drain', () => r()));
  };
  let total = 0;
  for (let i = 0; i < n; i++) total += amountOf(i) + (mismatched(i) ? 1 : 0);
  const opening = 100_000;
  await write(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>BENCH-RECON-1</MsgId><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm></GrpHdr>
<Stmt>
<Id>STMT-RECON-1</Id>
<CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI><Othr><Id>37040044</Id></Othr></FinInstnId></Svcr></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${decimal(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${decimal(opening + total)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
`);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const amt = decimal(amountOf(i) + (mismatched(i) ? 1 : 0));
    const e2e = foreign(i) ? `FOREIGN-${pad(i, 9)}` : `E2E-${pad(i, 9)}`;
    const uetr = i % 10 === 0 ? `<UETR>${uetrOf(i)}</UETR>` : '';
    chunk += `<Ntry><NtryRef>${i + 1}</NtryRef><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt><ValDt><Dt>2026-11-27</Dt></ValDt><AcctSvcrRef>ASR${pad(i, 12)}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>${e2e}</EndToEndId>${uetr}</Refs><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>Max Mustermann</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE75512108001245126199</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>Invoice ${2026_000_000 + i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`;
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + '</Stmt>\n</BkToCstmrStmt>\n</Document>\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

interface JobResult {
  job: string;
  ms?: number;
  peakRssMb?: number;
  baselineRssMb?: number;
  error?: string;
  [k: string]: unknown;
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

async function child(name: string, file: string, n: number): Promise<JobResult> {
  try {
    const { stdout } = await run$(process.execPath, ['--import', 'tsx', SELF, '--job', name, file, String(n)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      maxBuffer: 1024 * 1024,
      timeout: 600_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as JobResult;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    return { job: name, error: (e.stderr ?? e.message ?? 'failed').slice(0, 500) };
  }
}

export async function run(n = 100_000): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-bench-reconcile-'));
  try {
    const file = join(dir, 'camt053.xml');
    const bytes = await writeStatement(file, n);
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
