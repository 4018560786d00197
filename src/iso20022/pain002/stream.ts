import { createReadStream } from 'node:fs';
import type { OriginalGroupStatus, TransactionStatus } from '../common/status-types.js';
import { originalGroup } from '../common/status-read.js';
import { miscasedNamespace, NAMESPACE_PREFIX } from '../detect.js';
import { Iso20022ParseError, Iso20022UnknownMessageError, type Finding } from '../errors.js';
import { pain002TransactionOutcome, type TransactionOutcome } from '../status.js';
import { Reader } from '../xml/reader.js';
import { pathOf, streamSubtrees, type Captured } from '../xml/stream.js';
import type { XNode } from '../xml/tree.js';
import type { Pain002v10, Pain002v10Payment } from './v10/model.js';
import { groupHeader, paymentStatus, transactionStatus } from './v10/parse.js';

/**
 * A pain.002 of any size in bounded memory: the group status first, then each payment-information
 * status followed by its transactions, one at a time, each with the outcome the status precedence
 * gives it (the same as `pain002Outcomes` on the whole report). pain.002.001.03 is read into the
 * v10 model, as the tree parser does. Memory is bounded by the largest single transaction.
 */
export type Pain002StreamEvent =
  | { kind: 'group'; messageType: string; groupHeader: Pain002v10['groupHeader']; originalGroup: OriginalGroupStatus; warnings?: Finding[] }
  | { kind: 'payment'; paymentIndex: number; payment: Omit<Pain002v10Payment, 'transactions'> }
  | {
      kind: 'transaction';
      paymentIndex: number;
      transactionIndex: number;
      originalPaymentInformationId: string;
      transaction: TransactionStatus;
      outcome: TransactionOutcome;
    };

export interface Pain002StreamOptions {
  /** Bound on one captured subtree (one transaction, one header element), in characters. Default 4 Mi. */
  maxSubtreeChars?: number;
  /** Elements nested deeper than this are refused (default DEFAULT_MAX_DEPTH, as `parse`). */
  maxDepth?: number;
}

const VERSIONS = /^pain\.002\.001\.(03|10)$/;
const ROOT = 'CstmrPmtStsRpt';
const PAYMENT = 'OrgnlPmtInfAndSts';
const TRANSACTION = 'TxInfAndSts';

/** The payment-information block being read: its header elements arrive before its transactions. */
interface OpenPayment {
  index: number;
  children: XNode[];
  prefix: string | undefined;
  status: Omit<Pain002v10Payment, 'transactions'> | undefined;
}

export async function* streamPain002(
  source: AsyncIterable<string | Uint8Array>,
  options: Pain002StreamOptions = {},
): AsyncGenerator<Pain002StreamEvent> {
  let messageType = '';
  let header: Pain002v10['groupHeader'] | undefined;
  let group: OriginalGroupStatus | undefined;
  let open: OpenPayment | undefined;
  const warnings: Finding[] = [];
  const captures = streamSubtrees(source, {
    ...(options.maxSubtreeChars !== undefined ? { maxCaptureChars: options.maxSubtreeChars } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    onRoot(tag) {
      const t = tag.uri.startsWith(NAMESPACE_PREFIX) ? tag.uri.slice(NAMESPACE_PREFIX.length) : '';
      if (tag.local !== 'Document' || !VERSIONS.test(t)) throw new Iso20022UnknownMessageError(tag.uri || `root element ${tag.local}`, tag.local);
      messageType = t;
      if (tag.miscased !== undefined) warnings.push(miscasedNamespace(tag.miscased, tag.wanted, tag.local));
    },
    // The payment element itself is never captured: its text between 100k transactions would grow
    // with the file. Its header elements are captured one by one and put together here instead.
    capture: (names) =>
      names[1] === ROOT &&
      ((names.length === 3 && (names[2] === 'GrpHdr' || names[2] === 'OrgnlGrpInfAndSts')) || (names.length === 4 && names[2] === PAYMENT)),
  });

  /** The open payment's status, read from its header elements the first time it is needed. */
  const statusOf = (p: OpenPayment): Omit<Pain002v10Payment, 'transactions'> => {
    p.status ??= paymentStatus(new Reader({ name: PAYMENT, prefix: p.prefix, attrs: {}, children: p.children, text: '' }, `Document/${ROOT}/${PAYMENT}[${p.index}]`));
    p.children = [];
    return p.status;
  };

  for await (const c of captures) {
    const reader = new Reader(c.node, pathOf(c));
    const level = c.names[2];
    if (c.names.length === 3) {
      if (level === 'GrpHdr') header = groupHeader(reader);
      else {
        group = originalGroup(reader);
        if (!header) throw new Iso20022ParseError('missing_element', 'required element GrpHdr is missing', `Document/${ROOT}/GrpHdr`);
        yield { kind: 'group', messageType, groupHeader: header, originalGroup: group, ...(warnings.length > 0 ? { warnings } : {}) };
      }
      continue;
    }
    const paymentIndex = c.indexes[2] ?? 1;
    if (open && open.index !== paymentIndex) {
      // the previous block had no transactions (or they all came already): its status goes out now
      if (!open.status) yield { kind: 'payment', paymentIndex: open.index, payment: statusOf(open) };
      open = undefined;
    }
    open ??= { index: paymentIndex, children: [], prefix: c.node.prefix, status: undefined };
    if (c.names[3] !== TRANSACTION) {
      // the schema puts the block's status before its transactions; one after them comes too late to apply
      if (open.status) throw new Iso20022ParseError('invalid_value', `${c.names[3] ?? ''} after the transactions of its block`, pathOf(c));
      open.children.push(c.node);
      continue;
    }
    if (!group) throw new Iso20022ParseError('missing_element', 'required element OrgnlGrpInfAndSts is missing', `Document/${ROOT}/OrgnlGrpInfAndSts`);
    if (!open.status) yield { kind: 'payment', paymentIndex, payment: statusOf(open) };
    const payment = open.status ?? statusOf(open);
    const transaction = transactionStatus(reader);
    yield {
      kind: 'transaction',
      paymentIndex,
      transactionIndex: c.indexes[3] ?? 1,
      originalPaymentInformationId: payment.originalPaymentInformationId,
      transaction,
      outcome: pain002TransactionOutcome(transaction, payment, group),
    };
  }
  if (open && !open.status) yield { kind: 'payment', paymentIndex: open.index, payment: statusOf(open) };
  if (!group) throw new Iso20022ParseError('missing_element', 'required element OrgnlGrpInfAndSts is missing', `Document/${ROOT}/OrgnlGrpInfAndSts`);
}

/** Convenience for files on disk: 64 kB reads. */
export function streamPain002File(path: string, options: Pain002StreamOptions = {}): AsyncGenerator<Pain002StreamEvent> {
  return streamPain002(createReadStream(path, { highWaterMark: 64 * 1024 }), options);
}

/** Puts a streamed report back together (tests, small files): the same model as `parse`. */
export async function collectPain002(events: AsyncIterable<Pain002StreamEvent>): Promise<{ messageType: string; model: Pain002v10 }> {
  let messageType = '';
  let head: Pick<Pain002v10, 'groupHeader' | 'originalGroup'> | undefined;
  const payments: Pain002v10Payment[] = [];
  for await (const e of events) {
    if (e.kind === 'group') {
      messageType = e.messageType;
      head = { groupHeader: e.groupHeader, originalGroup: e.originalGroup };
    } else if (e.kind === 'payment') payments.push({ ...e.payment, transactions: [] });
    else payments.at(-1)?.transactions.push(e.transaction);
  }
  if (!head) throw new Iso20022ParseError('missing_element', 'required element OrgnlGrpInfAndSts is missing', `Document/${ROOT}`);
  return { messageType, model: { ...head, payments } };
}
