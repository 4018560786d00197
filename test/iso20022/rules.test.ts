import { describe, expect, it } from 'vitest';
import {
  Iso20022RulesError,
  bicProblem,
  build,
  checkRules,
  ibanProblem,
  newMessageId,
  parse,
  transliterateSepa,
  uetrProblem,
  type Pain001v09,
} from '../../src/iso20022/index.js';
import { dateTimeProblem, identifierProblem } from '../../src/iso20022/rules/checks.js';
import { itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { pacs008Full, pain001Full } from './fixtures.js';

// The rules are the project's own; the gate still checks each build where the XSDs are present.
xsdGateOffWithoutSharedXsd();

const codes = (findings: ReadonlyArray<{ code: string; path: string; severity: string }>) => findings.map((f) => `${f.severity}:${f.code}@${f.path}`);

describe('single-value checks', () => {
  it('IBAN mod-97', () => {
    expect(ibanProblem('DE89370400440532013000')).toBeUndefined();
    expect(ibanProblem('GB29NWBK60161331926819')).toBeUndefined();
    expect(ibanProblem('DE89370400440532013001')).toMatch(/mod-97/);
    expect(ibanProblem('DE89 3704 0044 0532 0130 00')).toMatch(/without spaces/);
    expect(ibanProblem('de89370400440532013000')).toBeDefined();
  });

  it('BIC upper case, 8 or 11', () => {
    expect(bicProblem('COBADEFFXXX')).toBeUndefined();
    expect(bicProblem('COBADEFF')).toBeUndefined();
    expect(bicProblem('cobadeff')).toBe('BIC must be upper case');
    expect(bicProblem('COBADEF')).toMatch(/not a BIC/);
  });

  it('UETR is a lowercase UUIDv4', () => {
    expect(uetrProblem('8a562c67-ca16-48ba-b074-65581be6f011')).toBeUndefined();
    expect(uetrProblem('8A562C67-CA16-48BA-B074-65581BE6F011')).toBe('UETR must be lower case');
    expect(uetrProblem('8a562c67-ca16-18ba-b074-65581be6f011')).toMatch(/version 4/);
  });

  it('date-times need an explicit offset', () => {
    expect(dateTimeProblem('2026-11-27T10:00:00+01:00')).toBeUndefined();
    expect(dateTimeProblem('2026-11-27T10:00:00.123Z')).toBeUndefined();
    expect(dateTimeProblem('2026-11-27T10:00:00')).toMatch(/offset/);
  });

  it('identifiers: at most 35, no leading or trailing slash, no double slash', () => {
    expect(identifierProblem('E2E-0001/A')).toBeUndefined();
    expect(identifierProblem('X'.repeat(36))).toMatch(/at most 35/);
    expect(identifierProblem('/E2E')).toMatch(/start/);
    expect(identifierProblem('E2E/')).toMatch(/end/);
    expect(identifierProblem('E2E//1')).toMatch(/\/\//);
  });

  it('message ids from UUIDs without hyphens fit the 35-character limit', () => {
    const id = newMessageId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(newMessageId()).not.toBe(id);
  });
});

describe('SEPA character set', () => {
  it.each([
    ['Müller', 'Mueller'],
    ['Straße', 'Strasse'],
    ['ÄÖÜ äöü', 'AeOeUe aeoeue'],
    ['José Núñez', 'Jose Nunez'],
    ['Łódź', 'Lodz'],
    ['Smith & Sons', 'Smith + Sons'],
    ['Ørsted Æbeltoft', 'Orsted AEbeltoft'],
  ])('%s -> %s', (input, out) => {
    expect(transliterateSepa(input)).toEqual({ value: out, unmappable: [] });
  });

  it('reports what cannot be transliterated', () => {
    expect(transliterateSepa('Иван 李').unmappable).toEqual(['И', 'в', 'а', 'н', '李']);
    expect(transliterateSepa('a@b').unmappable).toEqual(['@']);
  });

  it('build with the SEPA profile transliterates names, and refuses untransliterable text with the model path', () => {
    const m = sepaModel();
    m.paymentInformation[0]!.transactions[0]!.creditor = { name: 'Müller Straße GmbH', postalAddress: { townName: 'München', country: 'DE' } };
    const xml = build('pain.001.001.09', m, { profile: 'sepa' });
    expect(xml).toContain('<Nm>Mueller Strasse GmbH</Nm>');
    expect(xml).toContain('<TwnNm>Muenchen</TwnNm>');
    m.paymentInformation[0]!.transactions[0]!.creditor = { name: 'Иван', postalAddress: { townName: 'Berlin', country: 'DE' } };
    try {
      build('pain.001.001.09', m, { profile: 'sepa' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022RulesError);
      expect(codes((e as Iso20022RulesError).findings)).toEqual(['error:sepa_charset@paymentInformation[0].transactions[0].creditor.name']);
    }
  });
});

function sepaModel(): Pain001v09 {
  return {
    groupHeader: { messageId: newMessageId(), creationDateTime: '2026-11-27T10:00:00+01:00', initiatingParty: { name: 'ACME' } },
    paymentInformation: [
      {
        paymentInformationId: 'PMT-1',
        paymentMethod: 'TRF',
        paymentTypeInformation: { serviceLevels: [{ code: 'SEPA' }] },
        requestedExecutionDate: { date: '2026-11-30' },
        debtor: { name: 'ACME', postalAddress: { townName: 'Berlin', country: 'DE' } },
        debtorAccount: { iban: 'DE89370400440532013000' },
        debtorAgent: { bicfi: 'COBADEFFXXX' },
        chargeBearer: 'SLEV',
        transactions: [
          {
            endToEndId: 'E2E-1',
            amount: { amount: 100, currency: 'EUR' },
            creditor: { name: 'Max', postalAddress: { townName: 'Berlin', country: 'DE' } },
            creditorAccount: { iban: 'DE89370400440532013000' },
          },
        ],
      },
    ],
  };
}

describe('profile rules on models', () => {
  it('a clean SEPA model has no findings', () => {
    expect(checkRules('pain.001.001.09', sepaModel(), 'sepa')).toEqual([]);
  });

  it('postal addresses: unstructured-only refused for SEPA and CBPR+, warned in generic; hybrid needs TwnNm, Ctry, <= 2 AdrLine', () => {
    const m = sepaModel();
    const tx = m.paymentInformation[0]!.transactions[0]!;
    tx.creditor = { name: 'X', postalAddress: { addressLines: ['Hauptstr. 1', '10115 Berlin'] } };
    const path = 'paymentInformation[0].transactions[0].creditor.postalAddress';
    expect(codes(checkRules('pain.001.001.09', m, 'sepa'))).toEqual([`error:unstructured_address@${path}`]);
    expect(codes(checkRules('pain.001.001.09', m, 'cbpr'))).toEqual([`error:unstructured_address@${path}`]);
    expect(codes(checkRules('pain.001.001.09', m, 'generic'))).toEqual([`warning:unstructured_address@${path}`]);
    // Country alone plus lines is still unstructured in practice.
    tx.creditor = { name: 'X', postalAddress: { country: 'DE', addressLines: ['a'] } };
    expect(codes(checkRules('pain.001.001.09', m, 'sepa'))).toEqual([`error:unstructured_address@${path}`]);
    tx.creditor = { name: 'X', postalAddress: { streetName: 'Hauptstr.', addressLines: ['a', 'b', 'c'] } };
    expect(codes(checkRules('pain.001.001.09', m, 'cbpr'))).toEqual([
      `error:address_town_missing@${path}.townName`,
      `error:address_country_missing@${path}.country`,
      `error:address_too_many_lines@${path}.addressLines`,
    ]);
    tx.creditor = { name: 'X', postalAddress: { townName: 'Berlin', country: 'DE', addressLines: ['Hauptstr. 1', 'Hinterhaus'] } };
    expect(checkRules('pain.001.001.09', m, 'sepa')).toEqual([]);
  });

  it('IBAN, BIC, UETR, CreDtTm, identifiers and totals are findings with paths', () => {
    const m = sepaModel();
    m.groupHeader.creationDateTime = '2026-11-27T10:00:00';
    m.groupHeader.controlSum = '2.00';
    const p = m.paymentInformation[0]!;
    p.debtorAccount = { iban: 'DE89370400440532013001' };
    p.debtorAgent = { bicfi: 'cobadeffxxx' };
    p.transactions[0]!.endToEndId = '/E2E';
    p.transactions[0]!.uetr = '8A562C67-CA16-48BA-B074-65581BE6F011';
    expect(codes(checkRules('pain.001.001.09', m, 'generic'))).toEqual([
      'error:invalid_datetime@groupHeader.creationDateTime',
      'error:invalid_iban@paymentInformation[0].debtorAccount.iban',
      'error:invalid_bic@paymentInformation[0].debtorAgent.bicfi',
      'error:invalid_identifier@paymentInformation[0].transactions[0].endToEndId',
      'error:invalid_uetr@paymentInformation[0].transactions[0].uetr',
      'error:inconsistent_totals@groupHeader.controlSum',
    ]);
  });

  it('CBPR+ pacs.008: one transaction, a UETR, agents by BICFI', () => {
    const m = pacs008Full();
    delete m.groupHeader.instructedAgent;
    const f = codes(checkRules('pacs.008.001.08', m, 'cbpr'));
    expect(f).toEqual(
      expect.arrayContaining([
        'error:cbpr_single_transaction@transactions',
        'error:cbpr_agent_bic@groupHeader.instructedAgent.bicfi',
        'error:uetr_missing@transactions[1].uetr',
      ]),
    );
    expect(() => build('pacs.008.001.08', m, { profile: 'cbpr' })).toThrowError(Iso20022RulesError);
    const one = pacs008Full();
    one.transactions = [one.transactions[0]!];
    delete one.groupHeader.totalInterbankSettlementAmount;
    one.transactions[0]!.creditor.postalAddress = { townName: 'London', country: 'GB' };
    expect(checkRules('pacs.008.001.08', one, 'cbpr').filter((x) => x.severity === 'error')).toEqual([]);
    expect(build('pacs.008.001.08', one, { profile: 'cbpr' })).toContain('<NbOfTxs>1</NbOfTxs>');
  });

  it('SEPA transfers: EUR only, at most EUR 999999999.99, charge bearer SLEV', () => {
    const m = sepaModel();
    const tx = m.paymentInformation[0]!.transactions[0]!;
    tx.amount = { amount: 100, currency: 'CHF' };
    tx.chargeBearer = 'SHAR';
    expect(codes(checkRules('pain.001.001.09', m, 'sepa'))).toEqual([
      'error:sepa_currency@paymentInformation[0].transactions[0].amount.currency',
      'error:sepa_charge_bearer@paymentInformation[0].transactions[0].chargeBearer',
    ]);
    tx.amount = { amount: 99_999_999_999, currency: 'EUR' };
    delete tx.chargeBearer;
    expect(checkRules('pain.001.001.09', m, 'sepa')).toEqual([]);
    tx.amount = { amount: 100_000_000_000, currency: 'EUR' };
    expect(codes(checkRules('pain.001.001.09', m, 'sepa'))).toEqual(['error:sepa_amount_limit@paymentInformation[0].transactions[0].amount.amount']);
  });

  itWithShared('xsd', 'the SEPA-built document still round-trips and passes the XSD', () => {
    const xml = build('pain.001.001.09', sepaModel(), { profile: 'sepa' });
    expect(parse(xml).type).toBe('pain.001.001.09');
  });
});
