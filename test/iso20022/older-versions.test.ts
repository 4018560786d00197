import { describe, expect, it } from 'vitest';
import { build, parse, validate, type Pain001v09, type Pain002v10 } from '../../src/iso20022/index.js';
import { head001Full, pacs008Full } from './fixtures.js';
import { itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { xmllint } from './xmllint.js';

xsdGateOffWithoutSharedXsd();

const PAIN001_03 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>MSG-03</MsgId><CreDtTm>2026-11-27T10:00:00</CreDtTm><NbOfTxs>2</NbOfTxs><CtrlSum>1500.10</CtrlSum><InitgPty><Nm>ACME</Nm><Id><OrgId><BICOrBEI>ACMEDEFF</BICOrBEI></OrgId></Id></InitgPty></GrpHdr>
    <PmtInf>
      <PmtInfId>P-03</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>2</NbOfTxs>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt>2026-11-30</ReqdExctnDt>
      <Dbtr><Nm>ACME</Nm><PstlAdr><Ctry>DE</Ctry><AdrLine>Hauptstr. 1</AdrLine></PstlAdr></Dbtr>
      <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
      <CdtTrfTxInf><PmtId><EndToEndId>000000001</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">1500.00</InstdAmt></Amt><CdtrAgt><FinInstnId><BIC>NWBKGB2L</BIC></FinInstnId></CdtrAgt><Cdtr><Nm>Creditor</Nm></Cdtr><CdtrAcct><Id><IBAN>GB29NWBK60161331926819</IBAN></Id></CdtrAcct><RmtInf><Ustrd>Invoice 1</Ustrd></RmtInf></CdtTrfTxInf>
      <CdtTrfTxInf><PmtId><EndToEndId>12345678901234567890123</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">0.10</InstdAmt></Amt><Cdtr><Nm>Second</Nm></Cdtr></CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;

const PAIN002_03 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>STS-03</MsgId><CreDtTm>2026-11-27T11:00:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>MSG-03</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts><OrgnlPmtInfId>P-03</OrgnlPmtInfId>
      <TxInfAndSts><OrgnlEndToEndId>000000001</OrgnlEndToEndId><TxSts>ACCP</TxSts></TxInfAndSts>
      <TxInfAndSts><OrgnlEndToEndId>12345678901234567890123</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>
        <OrgnlTxRef><Amt><InstdAmt Ccy="EUR">0.10</InstdAmt></Amt><ReqdExctnDt>2026-11-30</ReqdExctnDt><Cdtr><Nm>Second</Nm></Cdtr></OrgnlTxRef></TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
`;

describe('read-only older versions', () => {
  itWithShared('xsd', 'the test inputs are valid against their official XSDs', () => {
    expect(validate(PAIN001_03).valid).toBe(true);
    expect(xmllint(PAIN001_03, 'pain.001.001.03').ok).toBe(true);
    expect(validate(PAIN002_03).valid).toBe(true);
  });

  it('pain.001.001.03: bare ReqdExctnDt, BIC and BICOrBEI read into the v09 model', () => {
    const r = parse(PAIN001_03);
    expect(r.type).toBe('pain.001.001.03');
    const m = r.model as Pain001v09;
    const p = m.paymentInformation[0]!;
    expect(p.requestedExecutionDate).toEqual({ date: '2026-11-30' });
    expect(p.debtorAgent.bicfi).toBe('COBADEFFXXX');
    expect(m.groupHeader.initiatingParty.id?.organisation?.anyBic).toBe('ACMEDEFF');
    expect(p.transactions.map((t) => [t.endToEndId, t.amount.amount])).toEqual([
      ['000000001', 150000],
      ['12345678901234567890123', 10],
    ]);
    expect(m.groupHeader.controlSum).toBe('1500.10');
  });

  it('a pain.001.001.03 read can be rebuilt as pain.001.001.09; only the computed totals are added', () => {
    const old = parse(PAIN001_03).model as Pain001v09;
    // rules are always on: the old file's CreDtTm has no offset, which nothing we send may lack
    expect(() => build('pain.001.001.09', old)).toThrowError(expect.objectContaining({ code: 'rules_failed', path: 'Document/CstmrCdtTrfInitn/GrpHdr/CreDtTm' }));
    old.groupHeader.creationDateTime += 'Z';
    const xml = build('pain.001.001.09', old);
    const rebuilt = parse(xml).model as Pain001v09;
    old.paymentInformation[0]!.controlSum = '1500.10'; // the builder always states both totals
    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(JSON.parse(JSON.stringify(old)));
    expect(build('pain.001.001.09', rebuilt)).toBe(xml);
  });

  itWithShared('xsd', 'a pain.001.001.03 rebuilt as pain.001.001.09 passes native xmllint', () => {
    const old = parse(PAIN001_03).model as Pain001v09;
    old.groupHeader.creationDateTime += 'Z'; // rules are always on: nothing we send lacks an offset
    expect(xmllint(build('pain.001.001.09', old), 'pain.001.001.09').ok).toBe(true);
  });

  it('pain.002.001.03: statuses and the unwrapped original parties', () => {
    const m = parse(PAIN002_03).model as Pain002v10;
    const t = m.payments[0]!.transactions[1]!;
    expect(t.status).toBe('RJCT');
    expect(t.originalTransactionReference?.creditor?.name).toBe('Second');
    expect(t.originalTransactionReference?.requestedExecutionDate).toEqual({ date: '2026-11-30' });
  });
});

describe('business application header', () => {
  it('a Document with its AppHdr: the header is parsed alongside the message', () => {
    const hdr = build('head.001.001.02', head001Full()).replace(/^<\?xml[^>]*>\n/, '');
    const doc = build('pacs.008.001.08', pacs008Full()).replace(/^<\?xml[^>]*>\n/, '');
    const envelope = `<?xml version="1.0" encoding="UTF-8"?>\n<Envelope>\n${hdr}${doc}</Envelope>\n`;
    const r = parse(envelope);
    expect(r.type).toBe('pacs.008.001.08');
    expect(r.appHeader?.businessService).toBe('swift.cbprplus.02');
    expect(r.appHeader?.messageDefinitionId).toBe('pacs.008.001.08');
    expect(r.warnings).toEqual([]);
  });

  itWithShared('xsd', 'the Document inside an envelope with its AppHdr validates', () => {
    const hdr = build('head.001.001.02', head001Full()).replace(/^<\?xml[^>]*>\n/, '');
    const doc = build('pacs.008.001.08', pacs008Full()).replace(/^<\?xml[^>]*>\n/, '');
    expect(validate(`<?xml version="1.0" encoding="UTF-8"?>\n<Envelope>\n${hdr}${doc}</Envelope>\n`).valid).toBe(true);
  });

  it('a standalone AppHdr is head.001.001.02', () => {
    const r = parse(build('head.001.001.02', head001Full()));
    expect(r.type).toBe('head.001.001.02');
  });
});
