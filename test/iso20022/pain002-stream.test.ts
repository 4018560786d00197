import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  build,
  collectPain002,
  Iso20022ParseError,
  Iso20022UnknownMessageError,
  pain002Outcomes,
  parse,
  streamPain002,
  streamPain002File,
  type Pain002StreamEvent,
  type Pain002v10,
  type TransactionOutcome,
} from '../../src/iso20022/index.js';
import { hasShared, itWithShared, readSharedSample, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { pain002Full } from './fixtures.js';

// Messages built here are checked by the XSD gate where the official schemas are present.
xsdGateOffWithoutSharedXsd();

/** Yields a string in small pieces, so element boundaries fall inside chunks. */
async function* chunks(s: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}

async function all(events: AsyncIterable<Pain002StreamEvent>): Promise<Pain002StreamEvent[]> {
  const out: Pain002StreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const outcomesOf = (events: Pain002StreamEvent[]): TransactionOutcome[] => events.flatMap((e) => (e.kind === 'transaction' ? [e.outcome] : []));

/** The tree parser's model, with the absent optional keys dropped (the stream's model has none either). */
const plain = (m: unknown): unknown => JSON.parse(JSON.stringify(m));

const PAIN002_03 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>STS-03</MsgId><CreDtTm>2026-11-27T11:00:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>MSG-03</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts><OrgnlPmtInfId>P-03</OrgnlPmtInfId><PmtInfSts>ACCP</PmtInfSts>
      <TxInfAndSts><OrgnlEndToEndId>000000001</OrgnlEndToEndId></TxInfAndSts>
      <TxInfAndSts><OrgnlEndToEndId>12345678901234567890123</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>
        <OrgnlTxRef><Amt><InstdAmt Ccy="EUR">0.10</InstdAmt></Amt><ReqdExctnDt>2026-11-30</ReqdExctnDt><Cdtr><Nm>Second</Nm></Cdtr></OrgnlTxRef></TxInfAndSts>
    </OrgnlPmtInfAndSts>
    <OrgnlPmtInfAndSts><OrgnlPmtInfId>P-04</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts><StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf></OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
`;

const TX = (i: number) =>
  `<TxInfAndSts><StsId>S${i}</StsId><OrgnlInstrId>I-${i}</OrgnlInstrId><OrgnlEndToEndId>${String(i).padStart(9, '0')}</OrgnlEndToEndId><TxSts>${i % 10 === 0 ? 'RJCT' : 'ACSC'}</TxSts>${
    i % 10 === 0 ? '<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn><AddtlInf>Insufficient funds on the debtor account at execution</AddtlInf></StsRsnInf>' : ''
  }<AcctSvcrRef>ASR${String(i).padStart(20, '0')}</AcctSvcrRef><OrgnlTxRef><Amt><InstdAmt Ccy="EUR">${(i % 100000) + 1}.${String(i % 100).padStart(2, '0')}</InstdAmt></Amt><Cdtr><Pty><Nm>Creditor number ${i} with a long name</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct></OrgnlTxRef></TxInfAndSts>\n`;

/** A pain.002.001.10 of `n` transactions produced piece by piece: the whole file never exists in memory. */
async function* bigReport(n: number): AsyncGenerator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>BIG</MsgId><CreDtTm>2026-11-27T06:00:00+01:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>ORIG</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><OrgnlNbOfTxs>${n}</OrgnlNbOfTxs><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>PMT-BIG</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>\n`;
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += TX(i);
    if (buf.length > 64 * 1024) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n`;
}

describe('pain.002 streaming', () => {
  itWithShared('samples', 'the partial-acceptance sample: the same model and the same outcomes as the tree parser', async () => {
    const xml = readSharedSample('pain/pain.002.001.10.partial-acceptance.xml');
    const tree = parse(xml);
    if (tree.type !== 'pain.002.001.10') throw new Error(tree.type);
    for (const size of [xml.length, 97, 7]) {
      const events = await all(streamPain002(chunks(xml, size)));
      expect(outcomesOf(events)).toEqual(pain002Outcomes(tree.model));
      expect(outcomesOf(events).length).toBeGreaterThan(1);
      const back = await collectPain002(streamPain002(chunks(xml, size)));
      expect(back.messageType).toBe('pain.002.001.10');
      expect(plain(back.model)).toEqual(plain(tree.model));
    }
  });

  it('events come in document order: the group, then each payment status before its transactions', async () => {
    const model: Pain002v10 = pain002Full();
    const xml = build('pain.002.001.10', model);
    const events = await all(streamPain002(chunks(xml, 50)));
    expect(events.map((e) => (e.kind === 'transaction' ? `tx${e.paymentIndex}.${e.transactionIndex}` : e.kind === 'payment' ? `pmt${e.paymentIndex}` : e.kind))).toEqual([
      'group',
      ...model.payments.flatMap((p, i) => [`pmt${i + 1}`, ...p.transactions.map((_, j) => `tx${i + 1}.${j + 1}`)]),
    ]);
    expect(outcomesOf(events)).toEqual(pain002Outcomes(parse(xml).model as Pain002v10));
    expect(plain((await collectPain002(streamPain002(chunks(xml, 50)))).model)).toEqual(plain(parse(xml).model));
  });

  it('pain.002.001.03 is read into the v10 model; a block without transactions still gives its status', async () => {
    const tree = parse(PAIN002_03);
    if (tree.type !== 'pain.002.001.03') throw new Error(tree.type);
    const events = await all(streamPain002(chunks(PAIN002_03, 64)));
    expect(events[0]).toMatchObject({ kind: 'group', messageType: 'pain.002.001.03', originalGroup: { groupStatus: 'PART' } });
    expect(outcomesOf(events)).toEqual(pain002Outcomes(tree.model));
    // the payment ACCP is inherited by the first transaction, the second's own RJCT wins
    expect(outcomesOf(events).map((o) => [o.originalEndToEndId, o.status, o.source])).toEqual([
      ['000000001', 'ACCP', 'payment'],
      ['12345678901234567890123', 'RJCT', 'transaction'],
    ]);
    expect(events.at(-1)).toEqual({ kind: 'payment', paymentIndex: 2, payment: expect.objectContaining({ originalPaymentInformationId: 'P-04', status: 'RJCT' }) });
    expect(plain((await collectPain002(streamPain002(chunks(PAIN002_03, 64)))).model)).toEqual(plain(tree.model));
  });

  it('reads files from disk, and refuses other messages, DOCTYPEs and broken XML with typed errors', async () => {
    // The bank's partial-acceptance sample where ../shared is present, else a report the project builds.
    const report = hasShared('samples') ? readSharedSample('pain/pain.002.001.10.partial-acceptance.xml') : build('pain.002.001.10', pain002Full());
    const dir = mkdtempSync(join(tmpdir(), 'pain002-stream-'));
    try {
      const file = join(dir, 'report.xml');
      writeFileSync(file, report);
      const outcomes = outcomesOf(await all(streamPain002File(file)));
      expect(outcomes.length).toBeGreaterThan(1);
      expect(outcomes).toEqual(pain002Outcomes(parse(report).model as Pain002v10));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const camt = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>';
    await expect(all(streamPain002(chunks(camt, 20)))).rejects.toBeInstanceOf(Iso20022UnknownMessageError);
    await expect(all(streamPain002(chunks('<!DOCTYPE x [<!ENTITY a "b">]><Document/>', 8)))).rejects.toMatchObject({ code: 'doctype_forbidden' });
    expect(report.length).toBeGreaterThan(1000);
    const cut = report.slice(0, 900);
    await expect(all(streamPain002(chunks(cut, 100)))).rejects.toBeInstanceOf(Iso20022ParseError);
    const noGroup = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>X</MsgId><CreDtTm>2026-11-27T06:00:00Z</CreDtTm></GrpHdr></CstmrPmtStsRpt></Document>';
    await expect(all(streamPain002(chunks(noGroup, 30)))).rejects.toMatchObject({ code: 'missing_element' });
  });

  it('a 100k-transaction report streams in bounded heap, each transaction with its outcome', async () => {
    const n = 100_000;
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let count = 0;
    let rejected = 0;
    let bytes = 0;
    const source = async function* () {
      for await (const piece of bigReport(n)) {
        bytes += piece.length;
        yield piece;
      }
    };
    for await (const e of streamPain002(source())) {
      if (e.kind !== 'transaction') continue;
      count++;
      if (e.outcome.kind === 'rejected') rejected++;
      if (count === 1) expect(e.outcome).toMatchObject({ originalEndToEndId: '000000000', status: 'RJCT', source: 'transaction', reason: { reason: { code: 'AM04' } } });
      if (count % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(n);
    expect(rejected).toBe(n / 10);
    // The report is tens of MB; what the reader holds does not grow with it.
    expect(bytes).toBeGreaterThan(40 * 1024 * 1024);
    const grownMb = (peak - before) / 1024 / 1024;
    expect(grownMb).toBeLessThan(64);
  }, 120_000);
});
