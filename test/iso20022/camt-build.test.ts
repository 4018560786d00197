import { afterAll, describe, expect, it } from 'vitest';
import { Iso20022BuildError, Iso20022SchemaError, build, disposeXsdCache, parse, validate } from '../../src/iso20022/index.js';
import type { CamtDocument } from '../../src/iso20022/camt/model.js';
import { camt053Full as statement, camt054Full as notification } from './fixtures.js';
import { itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { xmllint } from './xmllint.js';

xsdGateOffWithoutSharedXsd();

afterAll(() => disposeXsdCache());


/** What a reader sees: fields the parser left undefined dropped. */
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('camt.053.001.08 writer', () => {
  it('round-trips a statement: parse(build(m)) equals m', () => {
    const model = statement();
    const xml = build('camt.053.001.08', model);
    const back = parse(xml);
    expect(back.type).toBe('camt.053.001.08');
    expect(json(back.model)).toEqual(json(model));
  });

  itWithShared('xsd', 'is valid against the official XSD, by libxml2-wasm and by native xmllint', () => {
    const xml = build('camt.053.001.08', statement());
    expect(validate(xml, 'camt.053.001.08')).toEqual({ messageType: 'camt.053.001.08', valid: true, findings: [] });
    const native = xmllint(xml, 'camt.053.001.08');
    expect(native.ok).toBe(true);
  });

  it('writes amounts from minor units and keeps identifier strings exactly', () => {
    const xml = build('camt.053.001.08', statement());
    expect(xml).toContain('<Amt Ccy="EUR">123.45</Amt>');
    expect(xml).toContain('<Amt Ccy="EUR">3.00</Amt>');
    expect(xml).toContain('<EndToEndId>000000123</EndToEndId>');
    expect(xml).toContain('<PgNb>1</PgNb>');
    expect(xml).toContain('<RvslInd>true</RvslInd>');
    const amounts = (parse(xml).model as CamtDocument).reports[0]?.entries.map((e) => e.amount.amount);
    expect(amounts).toEqual([12345, 300, 12345]);
  });

  it('puts each batch in its own NtryDtls with the transactions that name its PmtInfId', () => {
    const xml = build('camt.053.001.08', statement());
    const details = xml.split('<NtryDtls>').slice(1).map((d) => d.slice(0, d.indexOf('</NtryDtls>')));
    const pmtB = details.find((d) => d.includes('<Btch>') && d.includes('<PmtInfId>PMT-B</PmtInfId>\n'));
    expect(pmtB).toBeDefined();
    expect(pmtB).toContain('E2E-B1');
    expect(pmtB).not.toContain('E2E-A1');
  });

  it('writes an empty BkTxCd (mandatory in v8) when the entry has no code, and reads it back as none', () => {
    const model = statement();
    const first = model.reports[0]?.entries[0];
    if (!first) throw new Error('fixture has an entry');
    delete first.bankTransactionCode;
    const xml = build('camt.053.001.08', model);
    expect(xml).toContain('<BkTxCd/>');
    expect(json(parse(xml).model)).toEqual(json(model));
  });

  it('writes a status longer than an entry status code as proprietary and still reads it back', () => {
    const model = statement();
    const first = model.reports[0]?.entries[0];
    if (!first) throw new Error('fixture has an entry');
    first.status = 'BOOKED';
    const xml = build('camt.053.001.08', model);
    expect(xml).toContain('<Prtry>BOOKED</Prtry>');
    expect((parse(xml).model as CamtDocument).reports[0]?.entries[0]?.status).toBe('BOOKED');
  });

  itWithShared('xsd', 'refuses a model the schema refuses (no balance) through the XSD gate, with the path', () => {
    const model = statement();
    const r = model.reports[0];
    if (!r) throw new Error('fixture has a report');
    r.balances = [];
    expect(() => build('camt.053.001.08', model)).toThrow(Iso20022SchemaError);
  });

  it('refuses a fractional or negative minor-unit amount', () => {
    const model = statement();
    const first = model.reports[0]?.entries[0];
    if (!first) throw new Error('fixture has an entry');
    first.amount = { amount: 1.5, currency: 'EUR' };
    expect(() => build('camt.053.001.08', model)).toThrow(Iso20022BuildError);
  });
});

describe('camt.054.001.08 writer', () => {
  itWithShared('xsd', 'a notification passes the official XSD', () => {
    expect(validate(build('camt.054.001.08', notification()), 'camt.054.001.08')).toEqual({ messageType: 'camt.054.001.08', valid: true, findings: [] });
  });

  it('round-trips a notification', () => {
    const model = notification();
    const xml = build('camt.054.001.08', model);
    expect(xml).toContain('<BkToCstmrDbtCdtNtfctn>');
    expect(xml).not.toContain('<Bal>');
    const back = parse(xml);
    expect(back.type).toBe('camt.054.001.08');
    expect(json(back.model)).toEqual(json(model));
  });
});
