import { describe, expect, it } from 'vitest';
import {
  Iso20022BuildError,
  Iso20022ParseError,
  Iso20022SizeError,
  Iso20022UnknownMessageError,
  build,
  parse,
  type Pain002v10,
} from '../../src/iso20022/index.js';
import { el, leaf, serializeDocument } from '../../src/iso20022/xml/writer.js';
import { parseXml } from '../../src/iso20022/xml/parse.js';
import { pain001Full } from './fixtures.js';

const NS = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

/** A small valid pain.002 body, wrapped in whatever Document start tag a test needs. */
const body = (endToEndId: string, extra = '') => `<CstmrPmtStsRpt>
  <GrpHdr><MsgId>M&#228;&#xE4;-&amp;#228;</MsgId><CreDtTm>2026-11-27T10:00:00+01:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>12345678901234567890123</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><OrgnlCtrlSum>0.10</OrgnlCtrlSum></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>1e5</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>${endToEndId}</OrgnlEndToEndId><TxSts>RJCT</TxSts>${extra}</TxInfAndSts></OrgnlPmtInfAndSts>
</CstmrPmtStsRpt>`;

const doc = (open: string, close = '</Document>') => `<?xml version="1.0" encoding="UTF-8"?>\n${open}${body('000000001')}${close}`;

describe('writer', () => {
  it('escapes text and attributes and keeps carriage returns exact', () => {
    const xml = serializeDocument('urn:x', el('Root', leaf('T', 'a & b < c > d "e" \'f\'\r\n'), leaf('A', 'v', [['Ccy', 'a"b&c\t']])));
    expect(xml).toContain('<T>a &amp; b &lt; c &gt; d "e" \'f\'&#13;\n</T>');
    expect(xml).toContain('<A Ccy="a&quot;b&amp;c&#9;">v</A>');
  });

  it('refuses characters XML cannot carry, naming the element path', () => {
    const m = pain001Full();
    m.paymentInformation[0]!.transactions[1]!.creditor = { name: 'bad\u0001name' };
    const err = (() => {
      try {
        build('pain.001.001.09', m);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(Iso20022BuildError);
    expect((err as Iso20022BuildError).code).toBe('invalid_character');
    expect((err as Iso20022BuildError).path).toBe('Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]/Cdtr/Nm');
  });

  it('drops absent optional elements and writes children in the given order', () => {
    const xml = serializeDocument('urn:x', el('R', leaf('B', undefined), leaf('C', '1'), leaf('A', '2')));
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:x">\n  <R>\n    <C>1</C>\n    <A>2</A>\n  </R>\n</Document>\n');
  });
});

describe('safe parser', () => {
  it('keeps every value a string: leading zeros, 23-digit references, 0.10, 1e5', () => {
    const r = parse(doc(`<Document xmlns="${NS}">`));
    expect(r.type).toBe('pain.002.001.10');
    const m = r.model as Pain002v10;
    expect(m.payments[0]?.transactions[0]?.originalEndToEndId).toBe('000000001');
    expect(m.originalGroup.originalMessageId).toBe('12345678901234567890123');
    expect(m.originalGroup.originalControlSum).toBe('0.10');
    expect(m.payments[0]?.originalPaymentInformationId).toBe('1e5');
  });

  it('decodes numeric character references once (and &amp;#228; stays literal)', () => {
    const m = parse(doc(`<Document xmlns="${NS}">`)).model as Pain002v10;
    expect(m.groupHeader.messageId).toBe('Mää-&#228;');
  });

  it('keeps CDATA content verbatim', () => {
    const xml = `<Document xmlns="${NS}">${body('<![CDATA[a&amp;<b>]]>')}</Document>`;
    const m = parse(xml).model as Pain002v10;
    expect(m.payments[0]?.transactions[0]?.originalEndToEndId).toBe('a&amp;<b>');
  });

  it('rejects any DOCTYPE (entity expansion, external entities)', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Document xmlns="${NS}">${body('&b;')}</Document>`;
    expect(() => parse(bomb)).toThrowError(Iso20022ParseError);
    try {
      parse(bomb);
    } catch (e) {
      expect((e as Iso20022ParseError).code).toBe('doctype_forbidden');
    }
    const xxe = `<!doctype Document SYSTEM "file:///etc/passwd"><Document xmlns="${NS}"/>`;
    expect(() => parse(xxe)).toThrowError(/DOCTYPE/);
  });

  it('refuses documents above the size limit with a typed error carrying both sizes', () => {
    const xml = doc(`<Document xmlns="${NS}">`);
    try {
      parse(xml, { maxBytes: 100 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022SizeError);
      expect((e as Iso20022SizeError).limitBytes).toBe(100);
      expect((e as Iso20022SizeError).actualBytes).toBe(Buffer.byteLength(xml));
    }
    expect(parse(xml, { maxBytes: Buffer.byteLength(xml) }).type).toBe('pain.002.001.10');
  });

  it('refuses malformed XML and undeclared entities', () => {
    expect(() => parseXml('<a><b></a>')).toThrowError(/not_well_formed|Expected closing tag/);
    expect(() => parse(`<Document xmlns="${NS}">${body('&nbsp;')}</Document>`)).toThrowError(/undeclared entity &nbsp;/);
  });

  it('names the element path of a missing mandatory element', () => {
    const xml = `<Document xmlns="${NS}"><CstmrPmtStsRpt><GrpHdr><CreDtTm>2026-11-27T10:00:00Z</CreDtTm></GrpHdr></CstmrPmtStsRpt></Document>`;
    expect(() => parse(xml)).toThrowError(expect.objectContaining({ code: 'missing_element', path: 'Document/CstmrPmtStsRpt/GrpHdr/MsgId' }));
  });
});

describe('message detection', () => {
  it.each([
    ['default namespace, double quotes', `<Document xmlns="${NS}">`, '</Document>'],
    ['default namespace, single quotes', `<Document xmlns='${NS}'>`, '</Document>'],
    ['prefixed namespace', `<doc:Document xmlns:doc="${NS}">`, '</doc:Document>'],
    ['namespace declared on an envelope', `<Envelope xmlns:d='${NS}'><d:Document>`, '</d:Document></Envelope>'],
  ])('%s', (_name, open, close) => {
    const r = parse(doc(open, close));
    expect(r.type).toBe('pain.002.001.10');
    expect(r.warnings).toEqual([]);
    expect((r.model as Pain002v10).payments[0]?.transactions[0]?.originalEndToEndId).toBe('000000001');
  });

  it('accepts a miscased Xmlns with a warning', () => {
    const r = parse(doc(`<Document Xmlns="${NS}">`));
    expect(r.type).toBe('pain.002.001.10');
    expect(r.warnings).toEqual([expect.objectContaining({ severity: 'warning', code: 'miscased_namespace_declaration', path: 'Document' })]);
  });

  it('uses the AppHdr MsgDefIdr when the Document has no namespace, and warns on a mismatch', () => {
    const hdr = (id: string) => `<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><MsgDefIdr>${id}</MsgDefIdr></AppHdr>`;
    const noNs = `<BizMsg>${hdr('pain.002.001.10')}<Document>${body('000000001')}</Document></BizMsg>`;
    expect(parse(noNs).type).toBe('pain.002.001.10');
    const mismatch = `<BizMsg>${hdr('pacs.002.001.10')}<Document xmlns="${NS}">${body('1')}</Document></BizMsg>`;
    const r = parse(mismatch);
    expect(r.type).toBe('pain.002.001.10');
    expect(r.warnings[0]?.code).toBe('header_mismatch');
  });

  it('an unknown message is a typed error naming what was found', () => {
    const other = 'urn:iso:std:iso:20022:tech:xsd:pain.013.001.07';
    try {
      parse(`<Document xmlns="${other}"><X/></Document>`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022UnknownMessageError);
      expect((e as Iso20022UnknownMessageError).found).toBe(other);
      expect((e as Error).message).toContain('pain.013.001.07');
    }
    expect(() => parse('<Invoice><Id>1</Id></Invoice>')).toThrowError(/found "root element Invoice"/);
    expect(() => parse(`<Document><X/></Document>`)).toThrowError(/Document without a namespace/);
  });

  it('refuses a different message than expected', () => {
    expect(() => parse(doc(`<Document xmlns="${NS}">`), { expect: 'pacs.002.001.10' })).toThrowError(/expected pacs.002.001.10, got pain.002.001.10/);
  });
});

describe('inbound robustness', () => {
  it('accepts a UTF-8 byte order mark before the declaration', () => {
    const xml = '\uFEFF' + doc(`<Document xmlns="${NS}">`);
    expect(parse(xml).type).toBe('pain.002.001.10');
  });
});
