/**
 * One measurement of bench/iso20022.ts, run in its own process so each peak RSS is its own:
 *   node --import tsx bench/iso20022-job.ts <job> <n> [camt053 file]
 * Prints one JSON line: { job, ms, baselineRssMb, peakRssMb, ... }.
 */
import { readFileSync } from 'node:fs';

const [job = '', nArg = '100000', file = ''] = process.argv.slice(2);
const n = Number(nArg);
const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
const peakKb = (): number => process.resourceUsage().maxRSS;

async function measure(fn: () => Promise<Record<string, unknown>> | Record<string, unknown>, baselineKb: number): Promise<void> {
  const t0 = performance.now();
  const extra = await fn();
  const ms = Math.round(performance.now() - t0);
  const peak = peakKb();
  process.stdout.write(JSON.stringify({ job, n, ms, baselineRssMb: mb(baselineKb), peakRssMb: mb(peak), workRssMb: mb(peak - baselineKb), ...extra }) + '\n');
}

switch (job) {
  case 'railyard-build': {
    // serializer alone, then with the SEPA rules; the model exists before the clock starts
    const { build } = await import('../src/iso20022/index.js');
    const { pain001Model } = await import('./iso20022-data.js');
    const model = pain001Model(n);
    const base = peakKb();
    await measure(() => {
      const xml = build('pain.001.001.09', model, { xsd: false });
      const t1 = performance.now();
      const sepa = build('pain.001.001.09', model, { xsd: false, profile: 'sepa' });
      return { bytes: Buffer.byteLength(xml), sepaRulesMs: Math.round(performance.now() - t1), sameOutput: sepa.length === xml.length };
    }, base);
    break;
  }
  case 'railyard-build-only': {
    const { build } = await import('../src/iso20022/index.js');
    const { pain001Model } = await import('./iso20022-data.js');
    const model = pain001Model(n);
    const base = peakKb();
    await measure(() => ({ bytes: Buffer.byteLength(build('pain.001.001.09', model, { xsd: false })) }), base);
    break;
  }
  case 'railyard-build-stream': {
    // the large-file way: the document goes to disk in ~64 kB pieces as it is written
    const { buildTo } = await import('../src/iso20022/index.js');
    const { pain001Model } = await import('./iso20022-data.js');
    const { closeSync, openSync, statSync, writeSync } = await import('node:fs');
    const model = pain001Model(n);
    const base = peakKb();
    await measure(() => {
      const fd = openSync(file, 'w');
      try {
        buildTo('pain.001.001.09', model, (piece) => void writeSync(fd, piece));
      } finally {
        closeSync(fd);
      }
      return { bytes: statSync(file).size };
    }, base);
    break;
  }
  case 'railyard-build-direct': {
    const { serializePain001v09 } = await import('../src/iso20022/pain001/v09/serialize.js');
    const { pain001Model } = await import('./iso20022-data.js');
    const model = pain001Model(n);
    const base = peakKb();
    await measure(() => ({ bytes: Buffer.byteLength(serializePain001v09(model)) }), base);
    break;
  }
  case 'railyard-validate': {
    // XSD validation (libxml2-wasm) of the built document; the schema is loaded before the clock
    const { build, validateXsd } = await import('../src/iso20022/index.js');
    const { pain001Model } = await import('./iso20022-data.js');
    const xml = build('pain.001.001.09', pain001Model(n), { xsd: false });
    validateXsd(build('pain.001.001.09', pain001Model(1), { xsd: false }), 'pain.001.001.09');
    const base = peakKb();
    await measure(() => {
      const r = validateXsd(xml, 'pain.001.001.09');
      return { valid: r.valid, findings: r.findings.length };
    }, base);
    break;
  }
  case 'iso20022js-build': {
    const { ISO20022 } = await import('iso20022.js');
    const { payment } = await import('./iso20022-data.js');
    const iso = new ISO20022({
      initiatingParty: { name: 'ACME Trading GmbH', id: 'ACMETRADING', account: { iban: 'DE89370400440532013000' }, agent: { bic: 'COBADEFFXXX', bankAddress: { country: 'DE' } } },
    });
    const instructions = Array.from({ length: n }, (_, i) => {
      const p = payment(i);
      return {
        type: 'swift' as const,
        direction: 'credit' as const,
        id: p.endToEndId,
        // iso20022.js takes minor units (Dinero)
        amount: p.amountMinor,
        currency: 'EUR' as const,
        creditor: { name: p.name, account: { iban: p.iban }, agent: { bic: 'DEUTDEFF' }, address: { townName: 'Berlin', country: 'DE' as const } },
        remittanceInformation: p.remittance,
      };
    });
    const base = peakKb();
    await measure(() => {
      const msg = iso.createSWIFTCreditPaymentInitiation(instructions);
      const xml = msg.serialize();
      return { bytes: Buffer.byteLength(xml), message: 'pain.001.001.03' };
    }, base);
    break;
  }
  case 'railyard-stream-camt053':
  case 'railyard-stream-camt053-direct': {
    // `-direct` imports the stream module alone: the parser's own cost, without the XSD engine
    // (libxml2-wasm) that importing the whole library instantiates
    const { streamCamt053File } = job.endsWith('-direct') ? await import('../src/iso20022/camt053/stream.js') : await import('../src/iso20022/index.js');
    const base = peakKb();
    await measure(async () => {
      let entries = 0;
      let sum = 0n;
      for await (const e of streamCamt053File(file)) {
        if (e.kind === 'entry') {
          entries++;
          sum += BigInt(e.entry.amount.amount);
        }
      }
      return { entries, sumMinor: sum.toString() };
    }, base);
    break;
  }
  case 'railyard-stream-pain002': {
    const { streamPain002File } = await import('../src/iso20022/index.js');
    const base = peakKb();
    await measure(async () => {
      const kinds: Record<string, number> = {};
      for await (const e of streamPain002File(file)) {
        if (e.kind === 'transaction') kinds[e.outcome.kind] = (kinds[e.outcome.kind] ?? 0) + 1;
      }
      return { outcomes: kinds };
    }, base);
    break;
  }
  case 'railyard-parse-pain002': {
    // the tree parser on the same file, for comparison (it needs maxBytes raised: 20 MB is the default limit)
    const { parse, pain002Outcomes } = await import('../src/iso20022/index.js');
    const base = peakKb();
    await measure(() => {
      const m = parse(readFileSync(file, 'utf8'), { maxBytes: 512 * 1024 * 1024 });
      const kinds: Record<string, number> = {};
      if (m.type === 'pain.002.001.10') for (const o of pain002Outcomes(m.model)) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      return { outcomes: kinds };
    }, base);
    break;
  }
  case 'railyard-validate-camt053': {
    const { validateXsd } = await import('../src/iso20022/index.js');
    const xml = readFileSync(file, 'utf8');
    const base = peakKb();
    await measure(() => {
      const r = validateXsd(xml, 'camt.053.001.08');
      return { valid: r.valid, findings: r.findings.length };
    }, base);
    break;
  }
  case 'fxp-parse-camt053': {
    const { XMLParser } = await import('fast-xml-parser');
    const base = peakKb();
    await measure(() => {
      const xml = readFileSync(file, 'utf8');
      const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false, htmlEntities: true, isArray: (name) => name === 'Ntry' || name === 'TxDtls' || name === 'Bal' });
      const doc = parser.parse(xml) as { Document: { BkToCstmrStmt: { Stmt: { Ntry: unknown[] } } } };
      return { entries: doc.Document.BkToCstmrStmt.Stmt.Ntry.length };
    }, base);
    break;
  }
  case 'iso20022js-parse-camt053': {
    const { CashManagementEndOfDayReport } = await import('iso20022.js');
    const base = peakKb();
    await measure(() => {
      const xml = readFileSync(file, 'utf8');
      const report = CashManagementEndOfDayReport.fromXML(xml);
      return { entries: report.entries.length };
    }, base);
    break;
  }
  default:
    process.stderr.write(`unknown job ${job}\n`);
    process.exit(2);
}
