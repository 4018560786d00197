import { createHash } from 'node:crypto';
import {
  build,
  controlSum,
  Iso20022RulesError,
  Iso20022SchemaError,
  type Pain001v09,
  type Pain001v09Payment,
  type Pain001v09Transaction,
} from '../../iso20022/index.js';
import { identifierProblem, isSepaText } from '../../iso20022/rules/index.js';
import { toBankId } from '../../connector/bank-id.js';
import { QueuedTransferError, validateQueuedTransfer, type FileProfile, type QueuedTransfer } from './queued-transfer.js';

export interface BatchFileGroup {
  paymentInformationId: string;
  debtorIban: string;
  currency: string;
  executionDate: string;
  endToEndIds: string[];
  /** Sum of the group's amounts in minor units (a bigint, as a decimal string). */
  total: string;
}

export interface BatchFilePlan {
  messageId: string;
  /** The pain.001.001.09 document, UTF-8. */
  xml: Uint8Array;
  transactions: number;
  /** GrpHdr/CtrlSum as written (decimal, across currencies). */
  controlSum: string;
  groups: BatchFileGroup[];
}

export interface BatchPlanContext {
  /** The MsgId of the n-th file of this run (0-based); chosen and stored by the caller. */
  messageIdFor: (fileIndex: number) => string;
  /** Creation time of the files, epoch ms. */
  now: number;
  initiatingParty: { name: string };
  maxTransactionsPerFile: number;
  profile: FileProfile;
  /** BtchBookg: omitted when undefined (the bank's default applies). */
  batchBooking?: boolean;
}

/** A plan that cannot be made for reasons outside any one payment (bad options, bad MsgId). */
export class BatchPlanError extends Error {
  override readonly name = 'BatchPlanError';
  constructor(
    readonly code: 'invalid_option' | 'invalid_message_id' | 'build_failed',
    message: string,
  ) {
    super(message);
  }
}

const groupKey = (t: QueuedTransfer): [string, string, string] => [t.debtor.iban, t.currency, t.executionDate];

/** Plain code-unit comparison: locale-independent, so every machine sorts the same way. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byGroupThenEndToEnd(a: QueuedTransfer, b: QueuedTransfer): number {
  const ka = groupKey(a);
  const kb = groupKey(b);
  return cmp(ka[0], kb[0]) || cmp(ka[1], kb[1]) || cmp(ka[2], kb[2]) || cmp(a.endToEndId, b.endToEndId);
}

const MAX_ID = 35;

/**
 * PmtInfId for the n-th group (1-based) of a file: `<MsgId>-<n>` when that fits 35 characters.
 * A longer MsgId (a 32-character UUID leaves no room) is replaced by a hash prefix of itself, so
 * the id stays deterministic, short and in the EPC set, and still differs between files.
 */
export function paymentInformationIdFor(messageId: string, groupNumber: number): string {
  const suffix = `-${groupNumber}`;
  if (messageId.length + suffix.length <= MAX_ID) return `${messageId}${suffix}`;
  const hash = createHash('sha256').update(messageId).digest('hex');
  return `${hash.slice(0, MAX_ID - suffix.length)}${suffix}`;
}

function transaction(t: QueuedTransfer): Pain001v09Transaction {
  return {
    // the payment id lets a status report be matched even when the EndToEndId is not echoed
    instructionId: toBankId(t.paymentId),
    endToEndId: t.endToEndId,
    uetr: t.uetr,
    amount: { amount: t.amount, currency: t.currency },
    ...(t.creditor.bic ? { creditorAgent: { bicfi: t.creditor.bic } } : {}),
    creditor: { name: t.creditor.name },
    creditorAccount: { iban: t.creditor.iban },
    ...(t.remittance.length > 0 ? { remittanceInformation: { unstructured: [t.remittance] } } : {}),
  };
}

function paymentInformation(id: string, items: QueuedTransfer[], ctx: BatchPlanContext): Pain001v09Payment {
  // one debtor account per group: its name and BIC come from the group's first transfer in order
  const first = items[0] as QueuedTransfer;
  return {
    paymentInformationId: id,
    paymentMethod: 'TRF',
    ...(ctx.batchBooking !== undefined ? { batchBooking: ctx.batchBooking } : {}),
    ...(ctx.profile === 'sepa' ? { paymentTypeInformation: { serviceLevels: [{ code: 'SEPA' }] } } : {}),
    requestedExecutionDate: { date: first.executionDate },
    debtor: { name: first.debtor.name },
    debtorAccount: { iban: first.debtor.iban },
    // SEPA lets the debtor agent be unknown; the bank derives it from the IBAN
    debtorAgent: first.debtor.bic ? { bicfi: first.debtor.bic } : { other: { id: 'NOTPROVIDED' } },
    ...(ctx.profile === 'sepa' ? { chargeBearer: 'SLEV' } : {}),
    transactions: items.map(transaction),
  };
}

/** Consecutive runs of the same group key in a sorted list. */
function groupsOf(sorted: QueuedTransfer[]): QueuedTransfer[][] {
  const out: QueuedTransfer[][] = [];
  let prev: string | undefined;
  for (const t of sorted) {
    const k = groupKey(t).join('\u0000');
    if (k !== prev) out.push([]);
    out[out.length - 1]?.push(t);
    prev = k;
  }
  return out;
}

/** Model paths -> the queued transfer's field names, for errors the library finds after our checks. */
const FIELD_OF: ReadonlyArray<[RegExp, string]> = [
  [/^creditorAccount/, 'creditor.iban'],
  [/^creditorAgent/, 'creditor.bic'],
  [/^creditor/, 'creditor.name'],
  [/^debtorAccount/, 'debtor.iban'],
  [/^debtorAgent/, 'debtor.bic'],
  [/^debtor/, 'debtor.name'],
  [/^amount\.currency/, 'currency'],
  [/^amount/, 'amount'],
  [/^remittanceInformation/, 'remittance'],
  [/^requestedExecutionDate/, 'executionDate'],
  [/^endToEndId/, 'endToEndId'],
  [/^uetr/, 'uetr'],
  [/^instructionId/, 'paymentId'],
];
const XML_FIELD_OF: ReadonlyArray<[RegExp, string]> = [
  [/^CdtrAcct/, 'creditor.iban'],
  [/^CdtrAgt/, 'creditor.bic'],
  [/^Cdtr/, 'creditor.name'],
  [/^DbtrAcct/, 'debtor.iban'],
  [/^DbtrAgt/, 'debtor.bic'],
  [/^Dbtr/, 'debtor.name'],
  [/^Amt/, 'amount'],
  [/^RmtInf/, 'remittance'],
  [/^ReqdExctnDt/, 'executionDate'],
  [/^PmtId\/EndToEndId/, 'endToEndId'],
  [/^PmtId\/UETR/, 'uetr'],
  [/^PmtId\/InstrId/, 'paymentId'],
];

/** Names the payment (and field) behind a finding of the rules or the XSD gate, when it can. */
function itemError(err: unknown, model: Pain001v09, files: QueuedTransfer[][]): Error {
  const fileItems = files.flat();
  const locate = (pmt: number, tx: number | undefined, rest: string, table: ReadonlyArray<[RegExp, string]>, code: string, message: string) => {
    const payment = model.paymentInformation[pmt];
    const e2e = payment?.transactions[tx ?? 0]?.endToEndId;
    const item = fileItems.find((t) => t.endToEndId === e2e);
    const field = table.find(([re]) => re.test(rest))?.[1] ?? rest;
    return item ? new QueuedTransferError({ paymentId: item.paymentId, field, code, message }) : undefined;
  };
  if (err instanceof Iso20022RulesError) {
    const f = err.findings[0];
    const m = f && /^paymentInformation\[(\d+)\](?:\.transactions\[(\d+)\])?\.?(.*)$/.exec(f.path);
    if (f && m) {
      const found = locate(Number(m[1]), m[2] === undefined ? undefined : Number(m[2]), m[3] ?? '', FIELD_OF, f.code, f.message);
      if (found) return found;
    }
  }
  if (err instanceof Iso20022SchemaError) {
    const f = err.findings[0];
    const m = f && /PmtInf\[(\d+)\](?:\/CdtTrfTxInf\[(\d+)\])?\/?(.*)$/.exec(f.path);
    if (f && m) {
      const found = locate(Number(m[1]) - 1, m[2] === undefined ? undefined : Number(m[2]) - 1, m[3] ?? '', XML_FIELD_OF, f.code, f.message);
      if (found) return found;
    }
  }
  return new BatchPlanError('build_failed', err instanceof Error ? err.message : 'the pain.001 could not be built');
}

function checkContext(ctx: BatchPlanContext): void {
  if (!Number.isSafeInteger(ctx.maxTransactionsPerFile) || ctx.maxTransactionsPerFile < 1) {
    throw new BatchPlanError('invalid_option', `maxTransactionsPerFile must be a positive integer, got ${ctx.maxTransactionsPerFile}`);
  }
  if (!Number.isFinite(ctx.now)) throw new BatchPlanError('invalid_option', 'now must be epoch milliseconds');
  if (ctx.profile !== 'sepa' && ctx.profile !== 'generic') throw new BatchPlanError('invalid_option', `profile must be "sepa" or "generic", got "${String(ctx.profile)}"`);
}

function checkMessageId(id: string, profile: FileProfile, seen: Set<string>): void {
  const p = typeof id === 'string' ? identifierProblem(id) : 'must be a string';
  if (p) throw new BatchPlanError('invalid_message_id', `MsgId "${String(id)}": ${p}`);
  if (profile === 'sepa' && !isSepaText(id)) throw new BatchPlanError('invalid_message_id', `MsgId "${id}" is outside the SEPA character set`);
  if (seen.has(id)) throw new BatchPlanError('invalid_message_id', `MsgId "${id}" is used for two files`);
  seen.add(id);
}

/**
 * Turns the transfers queued for one cut-off into pain.001.001.09 files, ready to send.
 *
 * - Every item is checked first (`validateQueuedTransfer`); the first bad one throws a
 *   `QueuedTransferError` naming it. Callers that must not let one payment stop the batch filter
 *   with `partitionQueuedTransfers` before calling.
 * - Items are sorted by (debtor IBAN, currency, execution date), then EndToEndId, so the same
 *   queue in any order gives the same bytes; each run of one key is one PmtInf.
 * - Files hold at most `maxTransactionsPerFile` transactions; a group that does not fit continues
 *   in the next file under a new PmtInfId.
 * - Each file goes through the library's `build()`: profile rules, then the XSD gate.
 */
export function planBatchFiles(items: QueuedTransfer[], ctx: BatchPlanContext): BatchFilePlan[] {
  checkContext(ctx);
  const seenE2e = new Set<string>();
  for (const item of items) {
    const problem = validateQueuedTransfer(item, ctx.profile);
    if (problem) throw new QueuedTransferError(problem);
    if (seenE2e.has(item.endToEndId)) {
      throw new QueuedTransferError({ paymentId: item.paymentId, field: 'endToEndId', code: 'duplicate', message: `EndToEndId ${item.endToEndId} is already in this batch` });
    }
    seenE2e.add(item.endToEndId);
  }
  const sorted = [...items].sort(byGroupThenEndToEnd);
  const chunks: QueuedTransfer[][] = [];
  for (let i = 0; i < sorted.length; i += ctx.maxTransactionsPerFile) chunks.push(sorted.slice(i, i + ctx.maxTransactionsPerFile));

  const seenMsgIds = new Set<string>();
  const creationDateTime = new Date(ctx.now).toISOString();
  return chunks.map((chunk, fileIndex) => {
    const messageId = ctx.messageIdFor(fileIndex);
    checkMessageId(messageId, ctx.profile, seenMsgIds);
    const groups = groupsOf(chunk);
    const ids = groups.map((_, g) => paymentInformationIdFor(messageId, g + 1));
    const model: Pain001v09 = {
      groupHeader: { messageId, creationDateTime, initiatingParty: { name: ctx.initiatingParty.name } },
      paymentInformation: groups.map((g, n) => paymentInformation(ids[n] as string, g, ctx)),
    };
    let xml: string;
    try {
      xml = build('pain.001.001.09', model, { profile: ctx.profile });
    } catch (err) {
      throw itemError(err, model, [chunk]);
    }
    return {
      messageId,
      xml: new TextEncoder().encode(xml),
      transactions: chunk.length,
      controlSum: controlSum(chunk.map((t) => ({ amount: t.amount, currency: t.currency }))),
      groups: groups.map((g, n) => ({
        paymentInformationId: ids[n] as string,
        debtorIban: (g[0] as QueuedTransfer).debtor.iban,
        currency: (g[0] as QueuedTransfer).currency,
        executionDate: (g[0] as QueuedTransfer).executionDate,
        endToEndIds: g.map((t) => t.endToEndId),
        total: g.reduce((s, t) => s + BigInt(t.amount), 0n).toString(),
      })),
    };
  });
}
