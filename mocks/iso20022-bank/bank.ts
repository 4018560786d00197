import {
  parse,
  type Acmt023v03,
  type Amount,
  type Camt055v08,
  type Camt056v08,
  type Pacs004v09,
  type Pacs008v08,
  type Pacs028v03,
  type Pain001v09,
  type ParseOutput,
} from '../../src/iso20022/index.js';
import { checkName, decideTransfer } from './accounts.js';
import { BankLedger, type BankFlow, type LedgerEntry } from './ledger.js';
import { customerResolution, customerStatusReport, fiStatusReport, resolution, verificationReport, type CancellationResult, type StatusLevel, type TxStatus } from './replies.js';

/** What each accepted message asks the bank to do. */
export const FLOW_OF: Readonly<Record<string, BankFlow>> = {
  'acmt.023.001.03': 'verify',
  'pain.001.001.09': 'transfer',
  'pacs.008.001.08': 'transfer',
  'pacs.028.001.03': 'inquire',
  'camt.055.001.08': 'reverse',
  'camt.056.001.08': 'reverse',
  'pacs.004.001.09': 'refund',
};

export class UnsupportedMessage extends Error {
  override readonly name = 'UnsupportedMessage';
}

export interface Incoming {
  type: string;
  flow: BankFlow;
  msg: ParseOutput;
  /** The ids the message carries, each counted as one arrival. */
  ids: string[];
}

export interface Handled {
  reply: string;
  /** Transfers this message left pending: the bank reports on them later. */
  pending: LedgerEntry[];
  /** Transfers and returns it touched, for a duplicate push. */
  touched: LedgerEntry[];
}

/** Reads a request into what the bank needs to route it; throws on anything it does not take. */
export function readIncoming(xml: string): Incoming {
  const msg = parse(xml);
  const flow = FLOW_OF[msg.type];
  if (!flow) throw new UnsupportedMessage(`the bank does not accept ${msg.type}`);
  return { type: msg.type, flow, msg, ids: idsOf(msg) };
}

function idsOf(msg: ParseOutput): string[] {
  switch (msg.type) {
    case 'acmt.023.001.03':
      return msg.model.verifications.map((v) => v.id);
    case 'pain.001.001.09':
      return msg.model.paymentInformation.flatMap((p) => p.transactions.map((t) => t.endToEndId));
    case 'pacs.008.001.08':
      return msg.model.transactions.map((t) => t.endToEndId);
    case 'pacs.004.001.09':
      return msg.model.transactions.map((t, i) => t.returnId ?? `${msg.model.groupHeader.messageId}/${i}`);
    case 'camt.056.001.08':
      return msg.model.underlying.flatMap((u) => u.transactions.map((t, i) => t.cancellationId ?? `${msg.model.assignment.id}/${i}`));
    case 'camt.055.001.08':
      return camt055Transactions(msg.model).map((t, i) => t.cancellationId ?? `${msg.model.assignment.id}/${i}`);
    default:
      return [];
  }
}

/**
 * The bank's behaviour: verifications by the test values, transfers executed once per
 * EndToEndId, status requests answered from the ledger, returns bounded by what was paid,
 * cancellations only of settled, not yet returned transfers.
 */
export class SimulatedBank {
  /** Where pain.002 replies and pushes state their statuses (see `StatusLevel`). */
  statusLevel: StatusLevel = 'transaction';
  /**
   * The next transfer reply says this instead of the bank's decision, which the ledger keeps: a
   * bank that refuses a copy as a duplicate (DU01, DUPL, AM05) of what it already holds, or
   * rejects a whole file (FF01) while an inquiry still finds what it did.
   */
  nextTransferReply: { status: string; reason?: string } | undefined;

  constructor(
    readonly ledger: BankLedger,
    private readonly opts: { settleAfterMs: number; now: () => number },
  ) {}

  /** Counts the arrival of every id; on `execute: false` (a dropped request) does nothing else. */
  arrive(inc: Incoming, execute: boolean): void {
    if (inc.flow === 'inquire') return;
    for (const id of inc.ids) {
      if (this.ledger.arrived(id)) continue;
      if (!execute) {
        this.ledger.put(this.entry(id, inc, { executed: false, status: 'NONE' }));
      }
    }
  }

  handle(inc: Incoming): Handled {
    const now = this.opts.now();
    this.ledger.settleDue(now);
    const m = inc.msg;
    switch (m.type) {
      case 'acmt.023.001.03':
        return { reply: this.verify(inc, m.model, now), pending: [], touched: [] };
      case 'pain.001.001.09':
        return this.customerTransfer(inc, m.model, now);
      case 'pacs.008.001.08':
        return this.interbankTransfer(inc, m.model, now);
      case 'pacs.028.001.03':
        return { reply: this.statusRequest(m.model, now), pending: [], touched: [] };
      case 'camt.056.001.08':
        return { reply: this.cancel(inc, m.model, now), pending: [], touched: [] };
      case 'camt.055.001.08':
        return { reply: this.customerCancel(inc, m.model, now), pending: [], touched: [] };
      case 'pacs.004.001.09':
        return this.paymentReturn(inc, m.model, now);
      default:
        throw new UnsupportedMessage(`the bank does not accept ${m.type}`);
    }
  }

  /** The report on one transfer (or return) as the bank would push it now. */
  statusReport(e: LedgerEntry): string {
    const now = this.opts.now();
    this.ledger.settleDue(now);
    // a pacs.004 return is reported under the transfer it returns; a credit transfer (a refund sent as one too) under its own id
    const endToEndId = e.source.messageType === 'pain.001.001.09' ? e.id : (e.original ?? e.id);
    const tx: TxStatus = { entry: e, endToEndId, ...(e.instructionId ? { instructionId: e.instructionId } : {}), status: e.status, ...(e.reason ? { reason: e.reason } : {}) };
    if (e.source.messageType === 'pain.001.001.09') {
      return customerStatusReport(e.source, [{ paymentInformationId: e.source.paymentInformationId ?? '', transactions: [tx] }], now, this.statusLevel);
    }
    if (e.flow === 'refund') tx.transactionId = e.id;
    return fiStatusReport({ messageId: e.source.messageId, messageNameId: e.source.messageType, creationDateTime: e.source.creationDateTime }, [tx], now);
  }

  private entry(id: string, inc: Incoming, o: Partial<LedgerEntry> & Pick<LedgerEntry, 'status' | 'executed'>): LedgerEntry {
    return {
      id,
      flow: inc.flow,
      messageType: inc.type,
      received: 1,
      returned: 0,
      reversed: false,
      pushes: 0,
      at: this.opts.now(),
      source: sourceOf(inc),
      ...o,
    };
  }

  /** A known id that was dropped before (no_reply) is executed now, on its first real delivery. */
  private fresh(id: string): LedgerEntry | undefined {
    const e = this.ledger.get(id);
    return e && e.executed ? e : undefined;
  }

  private verify(inc: Incoming, req: Acmt023v03, now: number): string {
    const checks = req.verifications.map((v) => {
      const known = this.fresh(v.id);
      if (known) return { id: v.id, code: known.status, ...(known.reason ? { suggestedName: known.reason } : {}) };
      const iban = v.partyAndAccount.account?.iban ?? '';
      const c = checkName(iban, v.partyAndAccount.party?.name ?? '');
      const suggestedName = c.result === 'CMTC' ? c.suggestedName : undefined;
      this.ledger.put(this.entry(v.id, inc, { executed: true, status: c.result, ...(suggestedName ? { reason: suggestedName } : {}), received: this.ledger.get(v.id)?.received ?? 1 }));
      return { id: v.id, code: c.result, ...(suggestedName ? { suggestedName } : {}) };
    });
    return verificationReport(req, checks, now);
  }

  private executeTransfer(inc: Incoming, id: string, debtorIban: string | undefined, amount: LedgerEntry['amount'], instructionId: string | undefined, paymentInformationId?: string): LedgerEntry {
    const known = this.fresh(id);
    if (known) return known;
    const d = decideTransfer(debtorIban);
    const e = this.entry(id, inc, {
      executed: true,
      status: d.status,
      ...(d.status === 'RJCT' ? { reason: d.reason } : {}),
      ...(amount ? { amount } : {}),
      ...(instructionId !== undefined ? { instructionId } : {}),
      ...(d.status === 'PDNG' ? { settlesAt: this.opts.now() + this.opts.settleAfterMs } : {}),
      received: this.ledger.get(id)?.received ?? 1,
    });
    if (paymentInformationId !== undefined) e.source = { ...e.source, paymentInformationId };
    return this.ledger.put(e);
  }

  private customerTransfer(inc: Incoming, req: Pain001v09, now: number): Handled {
    const touched: LedgerEntry[] = [];
    const payments = req.paymentInformation.map((p) => ({
      paymentInformationId: p.paymentInformationId,
      transactions: p.transactions.map((t): TxStatus => {
        const refunded = this.refundedTransfer(t.remittanceInformation?.unstructured?.[0]);
        const e = refunded
          ? this.executeRefund(inc, t.endToEndId, refunded, t.amount, t.instructionId, p.paymentInformationId)
          : this.executeTransfer(inc, t.endToEndId, p.debtorAccount.iban, t.amount, t.instructionId, p.paymentInformationId);
        touched.push(e);
        return { entry: e, endToEndId: t.endToEndId, ...(t.instructionId ? { instructionId: t.instructionId } : {}), status: e.status, ...(e.reason ? { reason: e.reason } : {}) };
      }),
    }));
    const reply = customerStatusReport({ messageId: req.groupHeader.messageId, creationDateTime: req.groupHeader.creationDateTime }, this.overridden(payments), now, this.statusLevel);
    return { reply, pending: touched.filter((e) => e.status === 'PDNG'), touched };
  }

  /** Applies (and uses up) `nextTransferReply` to every transaction of one reply. */
  private overridden<T extends { transactions: TxStatus[] }>(payments: T[]): T[] {
    const o = this.nextTransferReply;
    if (!o) return payments;
    this.nextTransferReply = undefined;
    return payments.map((p) => ({ ...p, transactions: p.transactions.map(({ reason: _r, ...t }) => ({ ...t, status: o.status, ...(o.reason !== undefined ? { reason: o.reason } : {}) })) }));
  }

  private interbankTransfer(inc: Incoming, req: Pacs008v08, now: number): Handled {
    const touched = req.transactions.map((t) => this.executeTransfer(inc, t.endToEndId, t.debtorAccount?.iban, t.interbankSettlementAmount, t.instructionId));
    const reply = fiStatusReport(
      { messageId: req.groupHeader.messageId, messageNameId: 'pacs.008.001.08', creationDateTime: req.groupHeader.creationDateTime },
      touched.map((e) => ({ entry: e, endToEndId: e.id, ...(e.instructionId ? { instructionId: e.instructionId } : {}), status: e.status, ...(e.reason ? { reason: e.reason } : {}) })),
      now,
    );
    return { reply, pending: touched.filter((e) => e.status === 'PDNG'), touched };
  }

  /** pacs.028: the current status of each transaction asked about; one never received is RJCT NOOR. */
  private statusRequest(req: Pacs028v03, now: number): string {
    const txs = req.transactions.map((t): TxStatus => {
      const e = [t.originalTransactionId, t.originalEndToEndId].map((id) => (id === undefined ? undefined : this.fresh(id))).find((x) => x !== undefined);
      const ids = {
        ...(t.originalEndToEndId !== undefined ? { endToEndId: t.originalEndToEndId } : {}),
        ...(t.originalTransactionId !== undefined ? { transactionId: t.originalTransactionId } : {}),
        ...(t.originalInstructionId !== undefined ? { instructionId: t.originalInstructionId } : {}),
      };
      if (!e || (e.flow !== 'transfer' && e.flow !== 'refund')) return { ...ids, status: 'RJCT', reason: 'NOOR' };
      return { ...ids, entry: e, status: e.status, ...(e.reason ? { reason: e.reason } : {}) };
    });
    const g = req.originalGroups?.[0];
    return fiStatusReport(g ? { messageId: g.originalMessageId, messageNameId: g.originalMessageNameId } : undefined, txs, now);
  }

  /**
   * One cancellation request (camt.055 or camt.056 alike): granted only for a transfer not yet
   * returned or reversed; a rejected transfer moved nothing, so cancelling it is moot and granted.
   */
  private cancelOne(inc: Incoming, id: string, cancellationId: string | undefined, endToEndId: string | undefined): CancellationResult {
    const target = endToEndId !== undefined ? this.fresh(endToEndId) : undefined;
    const known = this.fresh(id);
    const base = { ...(cancellationId !== undefined ? { cancellationId } : {}), ...(endToEndId !== undefined ? { endToEndId } : {}) };
    if (known) return { ...base, accepted: known.status === 'CNCL', ...(known.reason ? { reason: known.reason } : {}) };
    let reason: string | undefined;
    if (!target || target.flow !== 'transfer') reason = 'NOOR';
    else if (target.status === 'RJCT') reason = undefined;
    else if (target.reversed || target.returned > 0) reason = 'ARDT';
    const accepted = reason === undefined;
    if (accepted && target && target.status !== 'RJCT') {
      target.reversed = true;
      target.status = target.status === 'PDNG' ? 'RJCT' : target.status;
      if (target.status === 'RJCT' && target.reason === undefined) target.reason = 'FOCR';
      this.ledger.record(target);
    }
    this.ledger.put(this.entry(id, inc, { executed: true, status: accepted ? 'CNCL' : 'RJCR', ...(reason ? { reason } : {}), ...(endToEndId !== undefined ? { original: endToEndId } : {}), received: this.ledger.get(id)?.received ?? 1 }));
    return { ...base, accepted, ...(reason ? { reason } : {}) };
  }

  /** camt.056 (FI-to-FI): answered per transaction. */
  private cancel(inc: Incoming, req: Camt056v08, now: number): string {
    const results = req.underlying.flatMap((u) =>
      u.transactions.map((t, i) => this.cancelOne(inc, t.cancellationId ?? `${req.assignment.id}/${i}`, t.cancellationId, t.originalEndToEndId)),
    );
    return resolution(req, results, now);
  }

  /** camt.055 (customer): answered per original payment information block, then per transaction. */
  private customerCancel(inc: Incoming, req: Camt055v08, now: number): string {
    let i = 0;
    const payments = req.underlying.flatMap((u) =>
      (u.payments ?? []).map((p) => ({
        paymentInformationId: p.originalPaymentInformationId,
        results: (p.transactions ?? []).map((t) => {
          // numbered across the whole message, as idsOf counts them
          const n = i++;
          return this.cancelOne(inc, t.cancellationId ?? `${req.assignment.id}/${n}`, t.cancellationId, t.originalEndToEndId);
        }),
      })),
    );
    return customerResolution(req, payments, now);
  }

  /** The transfer a credit transfer gives money back for, when its remittance names one ("Refund <EndToEndId> ..."). */
  private refundedTransfer(remittance: string | undefined): LedgerEntry | undefined {
    const named = /^Refund (\S+)/.exec(remittance ?? '')?.[1];
    const target = named === undefined ? undefined : this.fresh(named);
    return target?.flow === 'transfer' ? target : undefined;
  }

  /**
   * A refund sent as a credit transfer back to the customer: executed once per EndToEndId, and
   * held to what the transfer it names still has (as a return is), so the ledger shows the refund.
   */
  private executeRefund(inc: Incoming, id: string, target: LedgerEntry, amount: Amount, instructionId: string | undefined, paymentInformationId: string): LedgerEntry {
    const known = this.fresh(id);
    if (known) return known;
    let reason: string | undefined;
    if (target.status !== 'ACSC') reason = 'NOOR';
    else if (target.reversed) reason = 'ARDT';
    else if (target.amount && (amount.currency !== target.amount.currency || target.returned + amount.amount > target.amount.amount)) reason = 'AM09';
    if (reason === undefined) {
      target.returned += amount.amount;
      this.ledger.record(target);
    }
    const e = this.entry(id, inc, {
      flow: 'refund',
      executed: true,
      status: reason === undefined ? 'ACSC' : 'RJCT',
      ...(reason ? { reason } : {}),
      amount,
      original: target.id,
      ...(instructionId !== undefined ? { instructionId } : {}),
      received: this.ledger.get(id)?.received ?? 1,
    });
    e.source = { ...e.source, paymentInformationId };
    return this.ledger.put(e);
  }

  /** pacs.004: a return of (part of) a settled transfer, never more than was paid. */
  private paymentReturn(inc: Incoming, req: Pacs004v09, now: number): Handled {
    const touched = req.transactions.map((t, i) => {
      const id = t.returnId ?? `${req.groupHeader.messageId}/${i}`;
      const known = this.fresh(id);
      if (known) return known;
      const target = t.originalEndToEndId !== undefined ? this.fresh(t.originalEndToEndId) : undefined;
      const amount = t.returnedInterbankSettlementAmount;
      let reason: string | undefined;
      if (!target || target.flow !== 'transfer' || target.status !== 'ACSC') reason = 'NOOR';
      else if (target.reversed) reason = 'ARDT';
      else if (target.amount && (amount.currency !== target.amount.currency || target.returned + amount.amount > target.amount.amount)) reason = 'AM09';
      if (reason === undefined && target) {
        target.returned += amount.amount;
        this.ledger.record(target);
      }
      return this.ledger.put(
        this.entry(id, inc, {
          executed: true,
          status: reason === undefined ? 'ACSC' : 'RJCT',
          ...(reason ? { reason } : {}),
          amount,
          ...(t.originalEndToEndId !== undefined ? { original: t.originalEndToEndId } : {}),
          ...(t.originalInstructionId !== undefined ? { instructionId: t.originalInstructionId } : {}),
          received: this.ledger.get(id)?.received ?? 1,
        }),
      );
    });
    const reply = fiStatusReport(
      { messageId: req.groupHeader.messageId, messageNameId: 'pacs.004.001.09', creationDateTime: req.groupHeader.creationDateTime },
      touched.map((e) => ({ entry: e, transactionId: e.id, ...(e.original ? { endToEndId: e.original } : {}), status: e.status, ...(e.reason ? { reason: e.reason } : {}) })),
      now,
    );
    return { reply, pending: [], touched };
  }
}

function sourceOf(inc: Incoming): LedgerEntry['source'] {
  const m = inc.msg;
  switch (m.type) {
    case 'pain.001.001.09':
    case 'pacs.008.001.08':
    case 'pacs.004.001.09':
      return { messageId: m.model.groupHeader.messageId, messageType: m.type, creationDateTime: m.model.groupHeader.creationDateTime };
    case 'acmt.023.001.03':
      return { messageId: m.model.assignment.messageId, messageType: m.type, creationDateTime: m.model.assignment.creationDateTime };
    case 'camt.055.001.08':
    case 'camt.056.001.08':
      return { messageId: m.model.assignment.id, messageType: m.type, creationDateTime: m.model.assignment.creationDateTime };
    default:
      return { messageId: '', messageType: m.type, creationDateTime: '' };
  }
}

const camt055Transactions = (m: Camt055v08) => m.underlying.flatMap((u) => (u.payments ?? []).flatMap((p) => p.transactions ?? []));
