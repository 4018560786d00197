import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Iso20022ParseError,
  Iso20022SizeError,
  Iso20022UnknownMessageError,
  parse,
  streamCamt,
  streamCamt053,
  streamCamt053File,
  type Camt053StreamEvent,
  type CamtDocument,
} from '../../src/iso20022/index.js';
import { SHARED_SAMPLES_DIR, describeWithShared, itWithShared, readSharedSample, sharedSampleFiles } from '../support/shared-reference.js';

// The bank samples (reference data outside the project); the checks reading them skip without it.
const DIR = join(SHARED_SAMPLES_DIR, 'camt');
const readSample = (file: string) => readSharedSample(`camt/${file}`);
const sampleFiles = (keep: (f: string) => boolean) => {
  const all = sharedSampleFiles('camt');
  const kept = all.filter(keep);
  // without the samples, the placeholder row stands for the skipped files
  return kept.length > 0 ? kept : all;
};

async function collect(events: AsyncIterable<Camt053StreamEvent>): Promise<CamtDocument> {
  const doc: CamtDocument = { groupHeader: { messageId: '', creationDateTime: '' }, reports: [] };
  const entries = new Map<number, CamtDocument['reports'][number]['entries']>();
  for await (const e of events) {
    if (e.kind === 'groupHeader') doc.groupHeader = e.groupHeader;
    else if (e.kind === 'entry') entries.set(e.statementIndex, [...(entries.get(e.statementIndex) ?? []), e.entry]);
    else doc.reports.push({ ...e.statement, entries: entries.get(e.statementIndex) ?? [] });
  }
  return doc;
}

/** Yields a string in small pieces, so element boundaries fall inside chunks. */
async function* chunks(s: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}

const ENTRY = (i: number) => `<Ntry><NtryRef>${i}</NtryRef><Amt Ccy="EUR">${(i % 100000) + 1}.${String(i % 100).padStart(2, '0')}</Amt><CdtDbtInd>${i % 2 ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt><ValDt><Dt>2026-11-27</Dt></ValDt><AcctSvcrRef>ASR${String(i).padStart(20, '0')}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>${String(i).padStart(9, '0')}</EndToEndId></Refs><Amt Ccy="EUR">${(i % 100000) + 1}.${String(i % 100).padStart(2, '0')}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Nm>Debtor number ${i} with a reasonably long name for realism</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>Invoice ${i} payment reference text that is typical in statements</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`;

/** A camt.053.001.08 of `n` entries produced piece by piece: the whole file never exists in memory. */
async function* bigStatement(n: number): AsyncGenerator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BIG</MsgId><CreDtTm>2026-11-27T06:00:00+01:00</CreDtTm></GrpHdr><Stmt><Id>STMT-BIG</Id><CreDtTm>2026-11-27T06:00:00+01:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-26</Dt></Dt></Bal>\n`;
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += ENTRY(i);
    if (buf.length > 64 * 1024) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}</Stmt></BkToCstmrStmt></Document>\n`;
}

describe('camt.053 streaming', () => {
  describeWithShared('samples', 'the bank samples', () => {
    const files = sampleFiles((f) => /^camt0?53\./.test(f) && f !== 'camt053.v2.wrong.xml');

    it.each(files)('%s: the stream yields exactly what the DOM parser reads', async (file) => {
      const xml = readSample(file);
      const streamed = await collect(streamCamt053(chunks(xml, 97)));
      expect(streamed).toEqual(parse(xml).model);
      const fromDisk = await collect(streamCamt053File(join(DIR, file)));
      expect(fromDisk).toEqual(streamed);
    });
  });

  itWithShared('samples', 'reads bytes split inside multi-byte characters', async () => {
    const xml = readSample('camt053.v8.xml').replace('<AddtlStmtInf>', '<AddtlStmtInf>Zürich € ');
    const bytes = Buffer.from(xml, 'utf8');
    async function* byteChunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const streamed = await collect(streamCamt053(byteChunks()));
    expect(streamed).toEqual(parse(xml).model);
  });

  it('a 50k-entry statement streams in bounded memory with exact amounts and references', async () => {
    const n = 50_000;
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let sum = 0n;
    let last: Camt053StreamEvent | undefined;
    for await (const e of streamCamt053(bigStatement(n))) {
      if (e.kind === 'entry') {
        count++;
        sum += BigInt(e.entry.amount.amount);
        if (e.entryIndex === 1) expect(e.entry.transactions[0]?.references?.endToEndId).toBe('000000000');
        if (count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      } else last = e;
    }
    expect(count).toBe(n);
    let expected = 0n;
    for (let i = 0; i < n; i++) expected += BigInt(((i % 100000) + 1) * 100 + (i % 100));
    expect(sum).toBe(expected);
    expect(last).toEqual(expect.objectContaining({ kind: 'statement', entryCount: n }));
    if (last?.kind === 'statement') expect(last.statement.balances[0]?.amount).toEqual({ amount: 100000, currency: 'EUR' });
    // ~30 MB of XML went through; holding it (or its entries) would cost far more than this.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('refuses a DOCTYPE, a non-camt.053 document and an oversized entry with typed errors', async () => {
    const doctype = '<!DOCTYPE x [<!ENTITY a "b">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>';
    await expect(collect(streamCamt053(chunks(doctype, 10)))).rejects.toThrowError(expect.objectContaining({ code: 'doctype_forbidden' }));
    const pain = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><X/></Document>';
    await expect(collect(streamCamt053(chunks(pain, 10)))).rejects.toBeInstanceOf(Iso20022UnknownMessageError);
    await expect(collect(streamCamt053(bigStatement(3), { maxSubtreeChars: 100 }))).rejects.toBeInstanceOf(Iso20022SizeError);
  });

  itWithShared('samples', 'refuses a bank sample with a broken end tag with a typed error', async () => {
    const broken = readSample('camt053.v8.xml').replace('</Ntry>', '</Nt>');
    await expect(collect(streamCamt053(chunks(broken, 1000)))).rejects.toBeInstanceOf(Iso20022ParseError);
  });

  itWithShared('samples', 'names the entry path when an entry is invalid', async () => {
    const xml = readSample('camt053.v8.xml').replace('<Amt Ccy="JPY">2700</Amt>', '<Amt Ccy="JPY">2700.5</Amt>');
    const first = await collect(streamCamt053(createReadStream(join(DIR, 'camt053.v8.xml')))).then((d) => d.reports.length);
    expect(first).toBe(1);
    await expect(collect(streamCamt053(chunks(xml, 50)))).rejects.toThrowError(
      expect.objectContaining({ code: 'too_many_decimals', path: expect.stringMatching(/^Document\/BkToCstmrStmt\/Stmt\[1\]\/Bal\[\d\]\/Amt$/) }),
    );
  });
});

describeWithShared('samples', 'camt.052 and camt.054 streaming', () => {
  const files = sampleFiles((f) => /^camt05[24]\./.test(f) && !f.includes('v1'));
  it.each(files)('%s: the stream yields exactly what the DOM parser reads', async (file) => {
    const xml = readSample(file);
    const family = file.startsWith('camt052') ? '052' : '054';
    const doc: CamtDocument = { groupHeader: { messageId: '', creationDateTime: '' }, reports: [] };
    const entries = new Map<number, CamtDocument['reports'][number]['entries']>();
    for await (const e of streamCamt(chunks(xml, 131), family)) {
      if (e.kind === 'groupHeader') doc.groupHeader = e.groupHeader;
      else if (e.kind === 'entry') entries.set(e.reportIndex, [...(entries.get(e.reportIndex) ?? []), e.entry]);
      else doc.reports.push({ ...e.report, entries: entries.get(e.reportIndex) ?? [] });
    }
    expect(doc).toEqual(parse(xml).model);
  });

  it('refuses a statement when a notification is expected', async () => {
    const xml = readSample('camt053.v8.xml');
    await expect(async () => {
      for await (const _ of streamCamt(chunks(xml, 500), '054')) void _;
    }).rejects.toBeInstanceOf(Iso20022UnknownMessageError);
  });
});
