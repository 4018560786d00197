import { isCurrency } from '../../domain/money.js';
import { bicProblem, ibanProblem, identifierProblem, isSepaText, transliterateSepa, uetrProblem } from '../../iso20022/rules/index.js';

/** One transfer waiting for the next cut-off: everything its pain.001 transaction needs. */
export interface QueuedTransfer {
  /** The engine's `pay_` or `re_` id. */
  paymentId: string;
  /** Already in bank form (no `_`), as stored before the first send. */
  endToEndId: string;
  /** Lowercase UUIDv4. */
  uetr: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  debtor: { name: string; iban: string; bic?: string };
  creditor: { name: string; iban: string; bic?: string };
  remittance: string;
  /** Requested execution date, `YYYY-MM-DD`. */
  executionDate: string;
}

export type FileProfile = 'sepa' | 'generic';

/** What is wrong with one queued transfer; `field` is its property path (`creditor.iban`). */
export interface QueuedTransferProblem {
  paymentId: string;
  field: string;
  code: string;
  message: string;
}

/** A queued transfer that cannot go into a file. Only this payment needs to fail. */
export class QueuedTransferError extends Error {
  override readonly name = 'QueuedTransferError';
  readonly paymentId: string;
  readonly field: string;
  readonly code: string;
  constructor(problem: QueuedTransferProblem) {
    super(`payment ${problem.paymentId}: ${problem.field}: ${problem.message}`);
    this.paymentId = problem.paymentId;
    this.field = problem.field;
    this.code = problem.code;
  }
}

/** SEPA Credit Transfer scheme maximum, EUR 999 999 999.99. */
const SEPA_MAX_MINOR = 99_999_999_999;
/** The EPC guidelines cap party names at 70 characters (the XSD allows 140). */
const SEPA_NAME_MAX = 70;
const TEXT_MAX = 140;

function textProblem(value: unknown, max: number, profile: FileProfile, required: boolean): [string, string] | undefined {
  if (typeof value !== 'string') return ['missing_value', 'must be a string'];
  if (required && value.trim().length === 0) return ['missing_value', 'must not be empty'];
  let text = value;
  if (profile === 'sepa' && !isSepaText(value)) {
    const t = transliterateSepa(value);
    if (t.unmappable.length > 0) return ['sepa_charset', `has characters outside the SEPA set: ${t.unmappable.join(' ')}`];
    text = t.value; // what will be written
  }
  if (text.length > max) return ['too_long', `is ${text.length} characters, at most ${max}`];
  return undefined;
}

function isDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(value);
}

/**
 * Every check a pain.001 file makes of one transaction, run before the file is built, so one bad
 * payment is failed alone instead of stopping the whole batch. Returns the first problem, or
 * undefined when the transfer is fine for `profile`.
 */
export function validateQueuedTransfer(item: QueuedTransfer, profile: FileProfile = 'sepa'): QueuedTransferProblem | undefined {
  const paymentId = typeof item?.paymentId === 'string' ? item.paymentId : String(item?.paymentId);
  const problem = (field: string, code: string, message: string): QueuedTransferProblem => ({ paymentId, field, code, message });
  if (!/^(pay|re)_[0-9A-HJKMNP-TV-Z]{26}$/.test(paymentId)) return problem('paymentId', 'invalid_identifier', 'must be a pay_ or re_ id');

  if (typeof item.endToEndId !== 'string') return problem('endToEndId', 'missing_value', 'must be a string');
  const e2e = identifierProblem(item.endToEndId);
  if (e2e) return problem('endToEndId', 'invalid_identifier', e2e);
  // references must come back exactly as sent: no transliteration, the SEPA set or nothing
  if (profile === 'sepa' && !isSepaText(item.endToEndId)) return problem('endToEndId', 'sepa_charset', 'must be in the SEPA character set (ids travel with "-" instead of "_")');

  if (typeof item.uetr !== 'string') return problem('uetr', 'missing_value', 'must be a string');
  const uetr = uetrProblem(item.uetr);
  if (uetr) return problem('uetr', 'invalid_uetr', uetr);

  if (typeof item.currency !== 'string' || !isCurrency(item.currency)) return problem('currency', 'unknown_currency', `"${String(item.currency)}" is not an ISO 4217 currency`);
  if (!Number.isSafeInteger(item.amount) || item.amount <= 0) return problem('amount', 'invalid_amount', 'must be a positive integer of minor units');
  if (profile === 'sepa' && item.currency !== 'EUR') return problem('currency', 'sepa_currency', `SEPA transfers are in EUR, got ${item.currency}`);
  if (profile === 'sepa' && item.amount > SEPA_MAX_MINOR) return problem('amount', 'sepa_amount_limit', 'SEPA transfers are at most EUR 999999999.99');

  for (const side of ['debtor', 'creditor'] as const) {
    const party = item[side];
    if (typeof party !== 'object' || party === null) return problem(side, 'missing_value', 'is required');
    const name = textProblem(party.name, profile === 'sepa' ? SEPA_NAME_MAX : TEXT_MAX, profile, true);
    if (name) return problem(`${side}.name`, ...name);
    if (typeof party.iban !== 'string') return problem(`${side}.iban`, 'missing_value', 'must be a string');
    const iban = ibanProblem(party.iban);
    if (iban) return problem(`${side}.iban`, 'invalid_iban', iban);
    if (party.bic !== undefined) {
      const bic = typeof party.bic === 'string' ? bicProblem(party.bic) : 'must be a string';
      if (bic) return problem(`${side}.bic`, 'invalid_bic', bic);
    }
  }

  const remittance = textProblem(item.remittance, TEXT_MAX, profile, false);
  if (remittance) return problem('remittance', ...remittance);

  if (!isDate(item.executionDate)) return problem('executionDate', 'invalid_date', `"${String(item.executionDate)}" is not a YYYY-MM-DD date`);
  return undefined;
}

/** Splits a queue into what can be filed and what must fail, one problem per rejected payment. */
export function partitionQueuedTransfers(items: readonly QueuedTransfer[], profile: FileProfile = 'sepa'): { valid: QueuedTransfer[]; rejected: QueuedTransferProblem[] } {
  const valid: QueuedTransfer[] = [];
  const rejected: QueuedTransferProblem[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const p = validateQueuedTransfer(item, profile);
    if (p) rejected.push(p);
    else if (seen.has(item.endToEndId)) {
      rejected.push({ paymentId: item.paymentId, field: 'endToEndId', code: 'duplicate', message: `EndToEndId ${item.endToEndId} is already in this batch` });
    } else {
      seen.add(item.endToEndId);
      valid.push(item);
    }
  }
  return { valid, rejected };
}
