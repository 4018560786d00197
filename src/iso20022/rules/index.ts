import { randomUUID } from 'node:crypto';
import { isCurrency } from '../../domain/money.js';
import type { Finding } from '../errors.js';
import type { PostalAddress } from '../common/types.js';
import { sameDecimal } from '../money.js';
import { totalsFor } from '../totals.js';
import { isSepaText, transliterateSepa } from './charset.js';
import { bicProblem, dateTimeProblem, ibanProblem, identifierProblem, uetrProblem } from './checks.js';

export { isSepaText, transliterateSepa } from './charset.js';
export { bicProblem, dateTimeProblem, ibanProblem, identifierProblem, uetrProblem } from './checks.js';
export { checkXmlRules, type XmlRuleOptions } from './xml-rules.js';

/**
 * Rules beyond the XSD, per profile. They run on the model (paths are model paths such as
 * `paymentInformation[0].transactions[1].creditor.postalAddress`), before serialisation.
 *   generic: IBAN, BIC, UETR, date-time offsets, identifiers, totals; unstructured addresses warned.
 *   sepa:    generic + EPC character set + structured/hybrid addresses required; transfers in EUR,
 *            at most EUR 999 999 999.99, charge bearer SLEV.
 *   cbpr:    generic + structured/hybrid addresses required; pacs.008 with exactly one
 *            transaction, a UETR, and instructing/instructed agents as BICFI.
 */
export type Profile = 'generic' | 'sepa' | 'cbpr';

const IDENTIFIER_KEYS = new Set(['messageId', 'paymentInformationId', 'instructionId', 'endToEndId', 'transactionId', 'statusId']);

/** A message id from a UUIDv4 without hyphens: 32 characters, unique, safe in every profile. */
export function newMessageId(): string {
  return randomUUID().replace(/-/g, '');
}

function addressFindings(a: PostalAddress, path: string, profile: Profile): Finding[] {
  const out: Finding[] = [];
  const lines = a.addressLines ?? [];
  const structured = Object.entries(a).some(([k, v]) => k !== 'addressLines' && k !== 'country' && v !== undefined);
  if (!structured && lines.length > 0) {
    out.push({
      severity: profile === 'generic' ? 'warning' : 'error',
      code: 'unstructured_address',
      message: 'unstructured-only postal address (AdrLine only); a structured or hybrid address is required since November 2026',
      path,
    });
    return out;
  }
  if (profile === 'generic') return out;
  if (a.townName === undefined) out.push({ severity: 'error', code: 'address_town_missing', message: 'town name (TwnNm) is required', path: `${path}.townName` });
  if (a.country === undefined) out.push({ severity: 'error', code: 'address_country_missing', message: 'country (Ctry) is required', path: `${path}.country` });
  if (lines.length > 2) out.push({ severity: 'error', code: 'address_too_many_lines', message: `a hybrid address has at most 2 AdrLine, got ${lines.length}`, path: `${path}.addressLines` });
  return out;
}

function walk(value: unknown, path: string, key: string, profile: Profile, out: Finding[]): void {
  if (typeof value === 'string') {
    const err = (code: string, message: string | undefined) => {
      if (message) out.push({ severity: 'error', code, message, path });
    };
    if (key === 'iban') err('invalid_iban', ibanProblem(value));
    if (key === 'bicfi' || key === 'anyBic') err('invalid_bic', bicProblem(value));
    if (key === 'uetr' || key === 'originalUetr') err('invalid_uetr', uetrProblem(value));
    if (key.endsWith('DateTime') || key === 'dateTime') err('invalid_datetime', dateTimeProblem(value));
    if (IDENTIFIER_KEYS.has(key)) err('invalid_identifier', identifierProblem(value));
    if (profile === 'sepa' && !isSepaText(value)) {
      const t = transliterateSepa(value);
      out.push(
        t.unmappable.length > 0
          ? { severity: 'error', code: 'sepa_charset', message: `characters outside the SEPA set with no transliteration: ${t.unmappable.join(' ')}`, path }
          : { severity: 'warning', code: 'sepa_transliterable', message: `outside the SEPA set; transliterates to "${t.value}"`, path },
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, key, profile, out));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    if (key === 'postalAddress') out.push(...addressFindings(value as PostalAddress, path, profile));
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, k, profile, out);
  }
}

interface WithTotals {
  numberOfTransactions?: number;
  controlSum?: string;
}

function totalsFindings(declared: WithTotals, amounts: Array<{ amount: number; currency: string }>, path: string): Finding[] {
  const out: Finding[] = [];
  if (amounts.some((a) => !Number.isSafeInteger(a?.amount) || a.amount < 0 || !isCurrency(a.currency))) {
    return [{ severity: 'error', code: 'invalid_amount', message: 'amounts must be non-negative integers of minor units in an ISO 4217 currency', path }];
  }
  const t = totalsFor(amounts);
  if (declared.numberOfTransactions !== undefined && declared.numberOfTransactions !== t.numberOfTransactions) {
    out.push({ severity: 'error', code: 'inconsistent_totals', message: `numberOfTransactions ${declared.numberOfTransactions}, transactions ${t.numberOfTransactions}`, path: `${path}.numberOfTransactions` });
  }
  if (declared.controlSum !== undefined && !sameDecimal(declared.controlSum, t.controlSum)) {
    out.push({ severity: 'error', code: 'inconsistent_totals', message: `controlSum ${declared.controlSum}, transactions add up to ${t.controlSum}`, path: `${path}.controlSum` });
  }
  return out;
}

interface Pain001Like {
  groupHeader?: WithTotals;
  paymentInformation?: Array<
    WithTotals & { chargeBearer?: string; transactions?: Array<{ amount: { amount: number; currency: string }; chargeBearer?: string }> }
  >;
}
interface Pacs008Like {
  groupHeader?: WithTotals & { instructingAgent?: { bicfi?: string }; instructedAgent?: { bicfi?: string } };
  transactions?: Array<{ interbankSettlementAmount: { amount: number; currency: string }; uetr?: string; chargeBearer?: string }>;
}

/** SEPA Credit Transfer scheme limit: EUR 999 999 999.99. */
const SEPA_MAX_MINOR = 99_999_999_999;

function sepaTransferFindings(amount: { amount: number; currency: string }, chargeBearer: string | undefined, path: string): Finding[] {
  const out: Finding[] = [];
  if (amount?.currency !== 'EUR') out.push({ severity: 'error', code: 'sepa_currency', message: `SEPA transfers are in EUR, got ${String(amount?.currency)}`, path: `${path}.currency` });
  else if (amount.amount > SEPA_MAX_MINOR) out.push({ severity: 'error', code: 'sepa_amount_limit', message: 'SEPA transfers are at most EUR 999999999.99', path: `${path}.amount` });
  if (chargeBearer !== undefined && chargeBearer !== 'SLEV') {
    out.push({ severity: 'error', code: 'sepa_charge_bearer', message: `SEPA requires charge bearer SLEV, got ${chargeBearer}`, path: path.replace(/\.amount$|\.interbankSettlementAmount$/, '.chargeBearer') });
  }
  return out;
}

/** All rule findings for a model of `messageType`. Errors block sending; warnings inform. */
export function checkRules(messageType: string, model: unknown, profile: Profile = 'generic'): Finding[] {
  const out: Finding[] = [];
  walk(model, '', '', profile, out);
  if (messageType.startsWith('pain.001.')) {
    const m = model as Pain001Like;
    const pmts = m.paymentInformation ?? [];
    pmts.forEach((p, i) => out.push(...totalsFindings(p, (p.transactions ?? []).map((t) => t.amount), `paymentInformation[${i}]`)));
    out.push(...totalsFindings(m.groupHeader ?? {}, pmts.flatMap((p) => (p.transactions ?? []).map((t) => t.amount)), 'groupHeader'));
    if (profile === 'sepa') {
      pmts.forEach((p, i) => {
        if (p.chargeBearer !== undefined && p.chargeBearer !== 'SLEV') {
          out.push({ severity: 'error', code: 'sepa_charge_bearer', message: `SEPA requires charge bearer SLEV, got ${p.chargeBearer}`, path: `paymentInformation[${i}].chargeBearer` });
        }
        (p.transactions ?? []).forEach((t, j) => out.push(...sepaTransferFindings(t.amount, t.chargeBearer, `paymentInformation[${i}].transactions[${j}].amount`)));
      });
    }
  }
  if (messageType.startsWith('pacs.004.')) {
    const m = model as { groupHeader?: WithTotals; transactions?: Array<{ returnedInterbankSettlementAmount: { amount: number; currency: string } }> };
    out.push(...totalsFindings(m.groupHeader ?? {}, (m.transactions ?? []).map((t) => t.returnedInterbankSettlementAmount), 'groupHeader'));
  }
  if (messageType.startsWith('pacs.008.')) {
    const m = model as Pacs008Like;
    const txs = m.transactions ?? [];
    out.push(...totalsFindings(m.groupHeader ?? {}, txs.map((t) => t.interbankSettlementAmount), 'groupHeader'));
    if (profile === 'sepa') {
      txs.forEach((t, i) => out.push(...sepaTransferFindings(t.interbankSettlementAmount, t.chargeBearer, `transactions[${i}].interbankSettlementAmount`)));
    }
    if (profile === 'cbpr') {
      // CBPR+ usage guidelines: one transaction per message, agents identified by BIC.
      if (txs.length !== 1) out.push({ severity: 'error', code: 'cbpr_single_transaction', message: `CBPR+ pacs.008 carries exactly one transaction, got ${txs.length}`, path: 'transactions' });
      for (const k of ['instructingAgent', 'instructedAgent'] as const) {
        if (m.groupHeader?.[k]?.bicfi === undefined) out.push({ severity: 'error', code: 'cbpr_agent_bic', message: `CBPR+ requires the ${k} as a BICFI`, path: `groupHeader.${k}.bicfi` });
      }
      txs.forEach((t, i) => {
        if (t.uetr === undefined) out.push({ severity: 'error', code: 'uetr_missing', message: 'CBPR+ requires a UETR on every pacs.008', path: `transactions[${i}].uetr` });
      });
    }
  }
  return out;
}

/**
 * XSD length limits of the text fields transliteration lengthens most (Nm Max140Text, Ustrd
 * Max140Text, AdrLine Max70Text, ...), by model key.
 */
const TEXT_LIMITS: Readonly<Record<string, number>> = {
  name: 140,
  unstructured: 140,
  addressLines: 70,
  streetName: 70,
  department: 70,
  subDepartment: 70,
  buildingName: 35,
  townName: 35,
  townLocationName: 35,
  districtName: 35,
  countrySubDivision: 35,
  postCode: 16,
};

/**
 * A copy of the model with every string transliterated into the SEPA set where possible. Length
 * limits apply after transliteration: Ä becomes two letters, so a 140-character name of umlauts
 * would become 280 and fail the XSD; it is shortened to the field's limit instead (for a field
 * not in `TEXT_LIMITS`, to 35 or the length it had, which it fitted), never made to overflow.
 */
export function transliterateModel<T>(model: T): T {
  const map = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') {
      if (isSepaText(v)) return v;
      const t = transliterateSepa(v);
      if (t.unmappable.length > 0) return v;
      // Max35Text is the shortest free-text type outside the table; a longer original fitted its own limit.
      const limit = Math.max(TEXT_LIMITS[key] ?? 35, [...v].length);
      return t.value.length > limit ? t.value.slice(0, limit).trimEnd() : t.value;
    }
    if (Array.isArray(v)) return v.map((x) => map(x, key));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, map(x, k)]));
    return v;
  };
  return map(model, '') as T;
}
