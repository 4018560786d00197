import { describe, expect, it } from 'vitest';
import { checkXmlRules } from '../../src/iso20022/index.js';

/** The element-rule tokenizer reads what XML allows around the values it checks. */
const doc = (inner: string) => `<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10">\n<FIToFIPmtStsRpt>\n${inner}\n</FIToFIPmtStsRpt>\n</Document>\n`;
const codes = (xml: string) => checkXmlRules(xml).map((f) => `${f.line} ${f.path} ${f.code}`);

describe('checkXmlRules', () => {
  it('skips comments, processing instructions and quoted ">" and reads CDATA and entities as text', () => {
    const xml = doc(
      [
        '<!-- <MsgId>/bad</MsgId> -->',
        '<?pi <MsgId>/bad</MsgId> ?>',
        '<GrpHdr note="a > b"><MsgId><![CDATA[/x]]></MsgId></GrpHdr>',
        '<TxInfAndSts><OrgnlEndToEndId>a&#47;&#x2F;b</OrgnlEndToEndId></TxInfAndSts>',
        '<TxInfAndSts><OrgnlEndToEndId>ok/1</OrgnlEndToEndId><StsId/></TxInfAndSts>',
      ].join('\n'),
    );
    expect(codes(xml)).toEqual([
      '6 Document/FIToFIPmtStsRpt/GrpHdr/MsgId invalid_identifier',
      '7 Document/FIToFIPmtStsRpt/TxInfAndSts[1]/OrgnlEndToEndId invalid_identifier',
      '8 Document/FIToFIPmtStsRpt/TxInfAndSts[2]/StsId invalid_identifier',
    ]);
  });

  it('prefixed elements and a Ccy attribute written with single quotes', () => {
    const xml = `<d:Document xmlns:d="urn:x"><d:FIToFICstmrCdtTrf><d:CdtTrfTxInf><d:IntrBkSttlmAmt Ccy='JPY'>10.5</d:IntrBkSttlmAmt></d:CdtTrfTxInf></d:FIToFICstmrCdtTrf></d:Document>`;
    expect(codes(xml)).toEqual(['1 Document/FIToFICstmrCdtTrf/CdtTrfTxInf/IntrBkSttlmAmt currency_decimals']);
  });

  it('stops at the first break of well-formedness (the parser and the XSD report it)', () => {
    expect(codes('<Document><GrpHdr><MsgId>/a</MsgId></Wrong></Document>')).toEqual(['1 Document/GrpHdr/MsgId invalid_identifier']);
    expect(codes('<Document><GrpHdr><MsgId>/a')).toEqual([]);
  });
});
