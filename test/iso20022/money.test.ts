import { describe, expect, it } from 'vitest';
import { Iso20022BuildError, Iso20022ParseError, build, controlSum, parse, type Pacs008v08 } from '../../src/iso20022/index.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { pacs008Full, pain001Full } from './fixtures.js';

// Amount checks are the builder's and the parser's; the gate still checks each build where the XSDs are present.
xsdGateOffWithoutSharedXsd();

const pacs008 = (amount: string, ccy = 'EUR') => {
  const xml = build('pacs.008.001.08', { ...pacs008Full(), groupHeader: { ...pacs008Full().groupHeader, totalInterbankSettlementAmount: undefined, controlSum: undefined } });
  return xml.replace('<IntrBkSttlmAmt Ccy="EUR">10000.00</IntrBkSttlmAmt>', `<IntrBkSttlmAmt Ccy="${ccy}">${amount}</IntrBkSttlmAmt>`).replace(/<CtrlSum>[^<]*<\/CtrlSum>/, '');
};

describe('amounts at the edge', () => {
  it.each([
    ['10000.00', 'EUR', 1_000_000],
    ['10000', 'EUR', 1_000_000],
    ['0.1', 'EUR', 10],
    ['10000.50000', 'EUR', 1_000_050], // trailing zeros are not extra precision
    ['1500', 'JPY', 1500],
    ['1.234', 'BHD', 1234],
    ['9999999999999.99', 'EUR', 999_999_999_999_999],
  ])('%s %s -> %d minor units', (text, ccy, minor) => {
    const m = parse(pacs008(text, ccy)).model as Pacs008v08;
    expect(m.transactions[0]?.interbankSettlementAmount).toEqual({ amount: minor, currency: ccy });
  });

  it.each([
    ['0.291', 'EUR', 'too_many_decimals'],
    ['1.5', 'JPY', 'too_many_decimals'],
    ['1.2345', 'BHD', 'too_many_decimals'],
    ['12', 'XXY', 'unknown_currency'],
    ['1,00', 'EUR', 'invalid_amount'],
    ['-1.00', 'EUR', 'invalid_amount'],
  ])('%s %s is refused (%s) with the amount path', (text, ccy, code) => {
    try {
      parse(pacs008(text, ccy));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022ParseError);
      expect((e as Iso20022ParseError).code).toBe(code);
      expect((e as Iso20022ParseError).path).toBe('Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt');
    }
  });

  it('writes exactly the currency exponent of decimals', () => {
    const xml = build('pacs.008.001.08', { ...pacs008Full(), groupHeader: { ...pacs008Full().groupHeader, totalInterbankSettlementAmount: undefined } });
    expect(xml).toContain('<IntrBkSttlmAmt Ccy="EUR">10000.00</IntrBkSttlmAmt>');
    expect(xml).toContain('<IntrBkSttlmAmt Ccy="EUR">1.00</IntrBkSttlmAmt>');
  });

  it.each([1.5, -1, Number.MAX_SAFE_INTEGER + 1])('refuses a model amount of %d (not a non-negative safe integer)', (amount) => {
    const m = pain001Full();
    m.paymentInformation[0]!.transactions[0]!.amount = { amount, currency: 'EUR' };
    expect(() => build('pain.001.001.09', m)).toThrowError(Iso20022BuildError);
  });
});

describe('CtrlSum in integers', () => {
  it('sums mixed exponents without floating point', () => {
    expect(controlSum([{ amount: 10, currency: 'EUR' }, { amount: 20, currency: 'EUR' }])).toBe('0.30');
    expect(controlSum([{ amount: 1500, currency: 'JPY' }, { amount: 1, currency: 'BHD' }, { amount: 5, currency: 'EUR' }])).toBe('1500.051');
    expect(controlSum([])).toBe('0');
    const big = Array.from({ length: 10 }, () => ({ amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' }));
    expect(controlSum(big)).toBe('900719925474099.10');
  });

  it('build computes NbOfTxs and CtrlSum, and refuses a model whose totals disagree', () => {
    const xml = build('pain.001.001.09', pain001Full());
    expect(xml).toContain('<NbOfTxs>3</NbOfTxs>\n      <CtrlSum>5699.75</CtrlSum>');
    const m = pain001Full();
    m.groupHeader.controlSum = '5699.76';
    expect(() => build('pain.001.001.09', m)).toThrowError(expect.objectContaining({ code: 'inconsistent_totals', path: 'Document/CstmrCdtTrfInitn/GrpHdr/CtrlSum' }));
    const n = pain001Full();
    n.paymentInformation[0]!.numberOfTransactions = 5;
    expect(() => build('pain.001.001.09', n)).toThrowError(expect.objectContaining({ code: 'inconsistent_totals', path: 'Document/CstmrCdtTrfInitn/PmtInf[1]/NbOfTxs' }));
    const same = pain001Full();
    same.groupHeader.controlSum = '5699.750';
    expect(build('pain.001.001.09', same)).toContain('<CtrlSum>5699.750</CtrlSum>');
  });

  it('parse checks CtrlSum, NbOfTxs and TtlIntrBkSttlmAmt against the transactions', () => {
    const xml = build('pain.001.001.09', pain001Full());
    expect(() => parse(xml.replace('<CtrlSum>5699.75</CtrlSum>', '<CtrlSum>5699.74</CtrlSum>'))).toThrowError(
      expect.objectContaining({ code: 'inconsistent_totals', path: 'Document/CstmrCdtTrfInitn/GrpHdr/CtrlSum' }),
    );
    expect(() => parse(xml.replace('<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>3</NbOfTxs>'))).toThrowError(
      expect.objectContaining({ code: 'inconsistent_totals', path: 'Document/CstmrCdtTrfInitn/PmtInf[1]/NbOfTxs' }),
    );
    const p8 = build('pacs.008.001.08', pacs008Full());
    expect(() => parse(p8.replace('<TtlIntrBkSttlmAmt Ccy="EUR">10001.00', '<TtlIntrBkSttlmAmt Ccy="EUR">10001.01'))).toThrowError(
      expect.objectContaining({ code: 'inconsistent_totals', path: 'Document/FIToFICstmrCdtTrf/GrpHdr/TtlIntrBkSttlmAmt' }),
    );
  });
});
