import type { StatusReason, TransactionStatus } from './common/status-types.js';
import type { Pacs002v10 } from './pacs002/v10/model.js';
import type { Pacs008v08 } from './pacs008/v08/model.js';
import type { Pain001v09 } from './pain001/v09/model.js';
import type { Pain002v10 } from './pain002/v10/model.js';

/**
 * What a status report means for each transaction. Codes are ExternalPaymentTransactionStatus1Code.
 * Precedence: a transaction's own status wins over its payment-information status, which wins over
 * the group status. PART and PATC at payment or group level say that *some* transactions were
 * accepted: they say nothing about any single one, so they are never inherited. ACTC is technical
 * acceptance (the file was readable), not settlement. An unknown code is `unknown`, never success
 * or failure.
 */

export const TRANSACTION_STATUS_CODES = [
  'RCVD', 'ACTC', 'ACCP', 'ACSP', 'ACSC', 'ACCC', 'ACWC', 'ACWP', 'ACFC', 'ACIS', 'PATC', 'PART', 'PDNG', 'RJCT',
] as const;
export type TransactionStatusCode = (typeof TRANSACTION_STATUS_CODES)[number];

/**
 * - `settled`: money moved (ACSC debtor side, ACCC creditor credited). Final.
 * - `accepted`: the bank took it on (ACCP, ACSP, ACWC, ACWP, ACFC, ACIS); settlement still to come.
 * - `pending`: received or only technically valid (RCVD, ACTC, PDNG); may still be rejected.
 * - `rejected`: RJCT. Final.
 * - `unknown`: no usable status (none given, PART/PATC on a single transaction, unknown code).
 */
export type OutcomeKind = 'settled' | 'accepted' | 'pending' | 'rejected' | 'unknown';

export interface StatusMeaning {
  kind: OutcomeKind;
  final: boolean;
  /** Reported at group/payment level, does it apply to each transaction? */
  inheritable: boolean;
  description: string;
}

const MEANINGS: Readonly<Record<TransactionStatusCode, StatusMeaning>> = {
  RCVD: { kind: 'pending', final: false, inheritable: true, description: 'received' },
  ACTC: { kind: 'pending', final: false, inheritable: true, description: 'technically accepted (syntax and signature), not settled' },
  ACCP: { kind: 'accepted', final: false, inheritable: true, description: 'accepted after customer profile checks' },
  ACSP: { kind: 'accepted', final: false, inheritable: true, description: 'accepted, settlement in process' },
  ACSC: { kind: 'settled', final: true, inheritable: true, description: "settlement completed on the debtor's account" },
  ACCC: { kind: 'settled', final: true, inheritable: true, description: "settlement completed on the creditor's account" },
  ACWC: { kind: 'accepted', final: false, inheritable: true, description: 'accepted with change' },
  ACWP: { kind: 'accepted', final: false, inheritable: true, description: 'accepted without posting' },
  ACFC: { kind: 'accepted', final: false, inheritable: true, description: 'accepted, funds checked' },
  ACIS: { kind: 'accepted', final: false, inheritable: true, description: 'accepted, cheque issued' },
  PATC: { kind: 'unknown', final: false, inheritable: false, description: 'partially accepted, technically correct: some transactions only' },
  PART: { kind: 'unknown', final: false, inheritable: false, description: 'partially accepted: some transactions only' },
  PDNG: { kind: 'pending', final: false, inheritable: true, description: 'pending' },
  RJCT: { kind: 'rejected', final: true, inheritable: true, description: 'rejected' },
};

const UNKNOWN: StatusMeaning = { kind: 'unknown', final: false, inheritable: false, description: 'unknown status code' };

export function statusMeaning(code: string | undefined): StatusMeaning {
  if (code === undefined) return { ...UNKNOWN, description: 'no status given' };
  return Object.hasOwn(MEANINGS, code) ? MEANINGS[code as TransactionStatusCode] : UNKNOWN;
}

export interface TransactionOutcome {
  originalPaymentInformationId?: string;
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalTransactionId?: string;
  originalUetr?: string;
  /** The status that decided, or undefined if none applied. */
  status?: string;
  /** Where it came from. `none`: nothing applicable (e.g. group PART and no transaction status). */
  source: 'transaction' | 'payment' | 'group' | 'none';
  kind: OutcomeKind;
  final: boolean;
  reason?: StatusReason;
}

interface Level {
  status?: string | undefined;
  reasons?: StatusReason[] | undefined;
}

function decide(levels: Array<[TransactionOutcome['source'], Level | undefined]>): Pick<TransactionOutcome, 'status' | 'source' | 'kind' | 'final' | 'reason'> {
  for (const [source, level] of levels) {
    if (level?.status === undefined) continue;
    const m = statusMeaning(level.status);
    // The transaction's own code always decides; an upper level only if it speaks for each transaction.
    if (source !== 'transaction' && !m.inheritable) continue;
    const reason = level.reasons?.[0];
    return { status: level.status, source, kind: m.kind, final: m.final, ...(reason ? { reason } : {}) };
  }
  return { source: 'none', kind: 'unknown', final: false };
}

const ids = (t: TransactionStatus) => ({
  ...(t.originalInstructionId !== undefined ? { originalInstructionId: t.originalInstructionId } : {}),
  ...(t.originalEndToEndId !== undefined ? { originalEndToEndId: t.originalEndToEndId } : {}),
  ...(t.originalUetr !== undefined ? { originalUetr: t.originalUetr } : {}),
});

/**
 * What the status precedence needs of the pain.001 a report answers: its blocks and their
 * transactions' ids. A whole `Pain001v09` is one; a connector that knows its originals only by
 * convention can pass just the ids.
 */
export interface Pain001Original {
  paymentInformation: ReadonlyArray<{
    paymentInformationId: string;
    transactions: ReadonlyArray<Pick<Pain001v09['paymentInformation'][number]['transactions'][number], 'endToEndId' | 'instructionId' | 'uetr'>>;
  }>;
}

export interface OutcomeOptions {
  /**
   * The pain.001 the report answers. With it, transactions the report does not list get the
   * payment or group status (e.g. a group RJCT without details); without it, only listed ones.
   */
  original?: Pain001Original;
}

function listedOutcome(paymentInformationId: string, t: TransactionStatus, pay: Level, group: Level): TransactionOutcome {
  return {
    originalPaymentInformationId: paymentInformationId,
    ...ids(t),
    ...decide([['transaction', { status: t.status, reasons: t.statusReasons }], ['payment', pay], ['group', group]]),
  };
}

/**
 * The outcome of one transaction a pain.002 lists, from its own, its payment's and its group's
 * status: what `pain002Outcomes` gives for it. The streaming reader decides with this one too.
 */
export function pain002TransactionOutcome(
  t: TransactionStatus,
  payment: { originalPaymentInformationId: string; status?: string | undefined; statusReasons?: StatusReason[] | undefined },
  group: { groupStatus?: string | undefined; statusReasons?: StatusReason[] | undefined },
): TransactionOutcome {
  return listedOutcome(payment.originalPaymentInformationId, t, { status: payment.status, reasons: payment.statusReasons }, { status: group.groupStatus, reasons: group.statusReasons });
}

/** One outcome per transaction of a pain.002.001.10. */
export function pain002Outcomes(report: Pain002v10, options: OutcomeOptions = {}): TransactionOutcome[] {
  const group: Level = { status: report.originalGroup.groupStatus, reasons: report.originalGroup.statusReasons };
  const out: TransactionOutcome[] = [];
  const listed = new Set<string>();
  for (const p of report.payments ?? []) {
    const pay: Level = { status: p.status, reasons: p.statusReasons };
    for (const t of p.transactions ?? []) {
      listed.add(`${p.originalPaymentInformationId}\u0000${t.originalEndToEndId ?? t.originalInstructionId ?? ''}`);
      out.push(listedOutcome(p.originalPaymentInformationId, t, pay, group));
    }
  }
  for (const op of options.original?.paymentInformation ?? []) {
    const p = report.payments?.find((x) => x.originalPaymentInformationId === op.paymentInformationId);
    const pay: Level = p ? { status: p.status, reasons: p.statusReasons } : {};
    for (const t of op.transactions) {
      if (listed.has(`${op.paymentInformationId}\u0000${t.endToEndId}`) || (t.instructionId !== undefined && listed.has(`${op.paymentInformationId}\u0000${t.instructionId}`))) continue;
      out.push({
        originalPaymentInformationId: op.paymentInformationId,
        ...(t.instructionId !== undefined ? { originalInstructionId: t.instructionId } : {}),
        originalEndToEndId: t.endToEndId,
        ...(t.uetr !== undefined ? { originalUetr: t.uetr } : {}),
        ...decide([['payment', pay], ['group', group]]),
      });
    }
  }
  return out;
}

/**
 * One outcome per transaction of a pacs.002.001.10. With the original pacs.008, transactions the
 * report does not list get their group's status (when that status speaks for each transaction).
 */
export function pacs002Outcomes(report: Pacs002v10, options: { original?: Pacs008v08 } = {}): TransactionOutcome[] {
  const groups = report.originalGroups ?? [];
  const listed = (report.transactions ?? []).map((t) => {
    const g =
      (t.originalGroup ? groups.find((x) => x.originalMessageId === t.originalGroup?.messageId) : undefined) ??
      (groups.length === 1 ? groups[0] : undefined);
    return {
      ...ids(t),
      ...(t.originalTransactionId !== undefined ? { originalTransactionId: t.originalTransactionId } : {}),
      ...decide([['transaction', { status: t.status, reasons: t.statusReasons }], ['group', g ? { status: g.groupStatus, reasons: g.statusReasons } : undefined]]),
    };
  });
  const original = options.original;
  if (!original) return listed;
  const g = groups.find((x) => x.originalMessageId === original.groupHeader.messageId);
  const seen = new Set(listed.flatMap((o) => [o.originalEndToEndId, o.originalTransactionId, o.originalUetr].filter((x) => x !== undefined)));
  const missing = original.transactions
    .filter((t) => !seen.has(t.endToEndId) && !(t.transactionId !== undefined && seen.has(t.transactionId)) && !(t.uetr !== undefined && seen.has(t.uetr)))
    .map((t) => ({
      ...(t.instructionId !== undefined ? { originalInstructionId: t.instructionId } : {}),
      originalEndToEndId: t.endToEndId,
      ...(t.transactionId !== undefined ? { originalTransactionId: t.transactionId } : {}),
      ...(t.uetr !== undefined ? { originalUetr: t.uetr } : {}),
      ...decide([['group', g ? { status: g.groupStatus, reasons: g.statusReasons } : undefined]]),
    }));
  return [...listed, ...missing];
}
