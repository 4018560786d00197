import { mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../src/domain/clock.js';
import { build, parseAs, validate, type Pain001v09 } from '../../src/iso20022/index.js';
import { decideTransaction, directionFor } from './decide.js';
import type { AnsweredTx, MessageRecord, Posting, SftpBankLedger, TxRecord } from './ledger.js';
import { Outbox } from './outbox.js';
import { closingOf, statementModel, type StatementAccount } from './statement.js';
import { groupRejection, transactionReport, type ReportLine } from './status-report.js';

/**
 * The batch bank's business: reads complete pain.001 files from `in/`, executes each transaction
 * once, answers with pain.002 files in `out/`, archives what it read, and writes the end-of-day
 * camt.053. Breaks injected by tests shape the next reply or statement. Every operation runs one
 * at a time (a real bank's batch job does not run twice at once either).
 */

export type Break =
  | { kind: 'missing_entry'; endToEndId?: string }
  | { kind: 'amount_off_by_one_cent'; endToEndId?: string }
  | { kind: 'return'; endToEndId?: string; reason?: string }
  | { kind: 'duplicate_statement' }
  | { kind: 'half_written_file' }
  | { kind: 'no_reply' }
  | { kind: 'duplicate_reply' }
  | { kind: 'malformed_reply' }
  | { kind: 'late_reply'; delayMs: number };

export interface Executed {
  ok: boolean;
  returned: boolean;
  received: number;
}

export interface BankDirs {
  inbox: string;
  outbox: string;
  archive: string;
}

const PAIN001 = 'pain.001.001.09';
/** Only `in/` files that are complete by convention: no dot-names (temporary) and no `.part` uploads. */
const isComplete = (name: string): boolean => !name.startsWith('.') && !name.endsWith('.part');
/** MsgId in a file name: anything but a safe set becomes `_` (MsgId may hold `/` or spaces). */
const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** MsgId of a file that failed to parse, for its rejection: best effort, never longer than the schema allows. */
function guessMessageId(xml: string, fileName: string): string {
  const m = /<(?:\w+:)?MsgId>([^<]{1,35})<\/(?:\w+:)?MsgId>/.exec(xml);
  const id = (m?.[1] ?? fileName.replace(/\.[^.]*$/, '')).trim().slice(0, 35);
  return id.length > 0 ? id : 'UNKNOWN';
}

export class SftpBankCore {
  private readonly breaks: Break[] = [];
  private readonly background = new Set<Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly outbox: Outbox;
  /** Failures of background writes (late or half-written files), for tests to look at. */
  readonly errors: unknown[] = [];

  constructor(
    readonly ledger: SftpBankLedger,
    readonly dirs: BankDirs,
    private readonly account: StatementAccount,
    private readonly clock: Clock,
  ) {
    this.outbox = new Outbox(dirs.outbox, ledger, clock);
  }

  inject(b: Break): void {
    this.breaks.push(b);
  }

  /** Pending breaks (not yet used up), oldest first. */
  pendingBreaks(): Break[] {
    return [...this.breaks];
  }

  executed(endToEndId: string): Executed | undefined {
    const t = this.ledger.transactions.get(endToEndId);
    return t ? { ok: t.status === 'ACSC', returned: t.returned, received: t.received } : undefined;
  }

  /** Waits for the operation in progress and for files still being written: nothing runs after `stop()`. */
  async idle(): Promise<void> {
    await this.queue;
    await this.flush();
  }

  /** Waits for files still being written (late replies, second halves). */
  async flush(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  process(): Promise<{ files: string[] }> {
    return this.serial(() => this.processNow());
  }

  closeDay(opts: { date?: string } = {}): Promise<string> {
    return this.serial(() => this.closeDayNow(opts.date ?? isoDate(this.clock.now())));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private take<K extends Break['kind']>(kind: K, fits: (b: Extract<Break, { kind: K }>) => boolean = () => true): Extract<Break, { kind: K }> | undefined {
    const i = this.breaks.findIndex((b) => b.kind === kind && fits(b as Extract<Break, { kind: K }>));
    if (i < 0) return undefined;
    return this.breaks.splice(i, 1)[0] as Extract<Break, { kind: K }>;
  }

  private later(work: Promise<void>): void {
    const p = work.catch((e: unknown) => void this.errors.push(e)).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  /** Every file of the bank goes out here: the half-written break applies to whichever comes next. */
  private async writeOut(base: string, content: string): Promise<string> {
    const name = this.outbox.uniqueName(base);
    if (this.take('half_written_file')) {
      const { rest } = await this.outbox.writeHalf(name, content);
      this.later(rest);
    } else {
      await this.outbox.write(name, content);
    }
    return name;
  }

  // ---- pain.001 in, pain.002 out -------------------------------------------------------------

  private async processNow(): Promise<{ files: string[] }> {
    // Pending transfers of earlier runs settle first, so a PDNG answered now settles next run.
    await this.settlePending();
    const files: string[] = [];
    for (const name of (await readdir(this.dirs.inbox)).sort()) {
      if (!isComplete(name)) continue;
      const path = join(this.dirs.inbox, name);
      if (!(await stat(path)).isFile()) continue;
      await this.handleFile(name, await readFile(path, 'utf8'));
      await this.archive(name);
      files.push(name);
    }
    return { files };
  }

  private async archive(name: string): Promise<void> {
    await mkdir(this.dirs.archive, { recursive: true });
    let target = name;
    for (let n = 2; existsSync(join(this.dirs.archive, target)); n++) target = `${name}.${n}`;
    await rename(join(this.dirs.inbox, name), join(this.dirs.archive, target));
  }

  private async handleFile(fileName: string, xml: string): Promise<void> {
    const now = this.clock.now();
    let model: Pain001v09 | undefined;
    try {
      if (validate(xml, PAIN001).valid) model = parseAs(PAIN001, xml);
    } catch {
      model = undefined; // readable by XSD but not by the reader's own checks (totals): refused alike
    }
    if (!model) {
      const original = { messageId: guessMessageId(xml, fileName) };
      return this.reply(original.messageId, groupRejection(original, 'FF01', this.account.bic, now));
    }
    const g = model.groupHeader;
    const original = { messageId: g.messageId, creationDateTime: g.creationDateTime };
    const seen = this.ledger.messages.get(g.messageId);
    if (seen?.answered) {
      // Dedupe by MsgId as banks do: counted, never executed again, refused as a duplicate.
      this.ledger.putMessage({ ...seen, received: seen.received + 1 });
      for (const p of model.paymentInformation) for (const t of p.transactions) this.countArrival(t.endToEndId);
      return this.reply(g.messageId, groupRejection(original, 'DU01', this.account.bic, now));
    }
    // Seen but not answered: the bank crashed between booking and replying; answer as decided then.
    const record = seen ?? this.execute(model, fileName, now);
    await this.reply(g.messageId, transactionReport(original, this.linesOf(record.payments), this.account.bic, now));
    this.ledger.putMessage({ ...record, answered: true });
  }

  private countArrival(endToEndId: string): void {
    const t = this.ledger.transactions.get(endToEndId);
    if (t) this.ledger.putTransaction({ ...t, received: t.received + 1 });
  }

  /** Decides and books every transaction of a new message; journals it before any reply is written. */
  private execute(model: Pain001v09, fileName: string, now: number): MessageRecord {
    const g = model.groupHeader;
    const payments = model.paymentInformation.map((p) => ({
      paymentInformationId: p.paymentInformationId,
      transactions: p.transactions.map((t): AnsweredTx => {
        const known = this.ledger.transactions.get(t.endToEndId);
        if (known) {
          // One execution per EndToEndId, whichever message repeats it: answered from the books.
          this.ledger.putTransaction({ ...known, received: known.received + 1 });
          return { endToEndId: known.endToEndId, status: known.status, ...(known.reason !== undefined ? { reason: known.reason } : {}) };
        }
        const creditorIban = t.creditorAccount?.iban;
        const debtorIban = p.debtorAccount.iban;
        const decision = decideTransaction({ debtorIban, creditorIban, currency: t.amount.currency }, this.account.currency);
        const direction = directionFor(creditorIban, this.account.iban);
        const counterparty = direction === 'CRDT' ? { name: p.debtor.name, iban: debtorIban } : { name: t.creditor?.name, iban: creditorIban };
        const tx: TxRecord = {
          endToEndId: t.endToEndId,
          messageId: g.messageId,
          paymentInformationId: p.paymentInformationId,
          ...(t.instructionId !== undefined ? { instructionId: t.instructionId } : {}),
          ...(t.uetr !== undefined ? { uetr: t.uetr } : {}),
          amount: t.amount,
          direction,
          counterparty: Object.fromEntries(Object.entries(counterparty).filter(([, v]) => v !== undefined)),
          status: decision.status,
          ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
          received: 1,
          returned: false,
          at: now,
        };
        this.ledger.putTransaction(tx);
        if (tx.status === 'ACSC') this.book(tx, now);
        return { endToEndId: tx.endToEndId, status: tx.status, ...(tx.reason !== undefined ? { reason: tx.reason } : {}) };
      }),
    }));
    const record: MessageRecord = { messageId: g.messageId, creationDateTime: g.creationDateTime, file: fileName, received: 1, payments, answered: false };
    this.ledger.putMessage(record);
    return record;
  }

  private book(tx: TxRecord, now: number): void {
    const posting: Posting = {
      id: this.ledger.nextPostingId(),
      endToEndId: tx.endToEndId,
      kind: 'booking',
      amount: tx.amount.amount,
      currency: tx.amount.currency,
      direction: tx.direction,
      bookingDate: isoDate(now),
    };
    this.ledger.putPosting(posting);
  }

  private bookingRef(endToEndId: string): string | undefined {
    for (const p of this.ledger.postings.values()) if (p.endToEndId === endToEndId && p.kind === 'booking') return p.id;
    return undefined;
  }

  private linesOf(payments: MessageRecord['payments']): Array<{ paymentInformationId: string; transactions: ReportLine[] }> {
    return payments.map((p) => ({
      paymentInformationId: p.paymentInformationId,
      transactions: p.transactions.map((t) => {
        const ref = t.status === 'ACSC' ? this.bookingRef(t.endToEndId) : undefined;
        return { ...t, ...(ref !== undefined ? { accountServicerReference: ref } : {}) };
      }),
    }));
  }

  /** Writes a reply to a pain.001, shaped by the reply breaks (they concern the next pain.001 only). */
  private async reply(messageId: string, xml: string): Promise<void> {
    const base = `pain002_${safe(messageId)}`;
    if (this.take('no_reply')) return;
    const late = this.take('late_reply');
    if (late) {
      this.later(this.clock.sleep(late.delayMs).then(() => this.writeOut(base, xml).then(() => undefined)));
      return;
    }
    if (this.take('malformed_reply')) {
      // Cut before the end tag: no XML parser accepts it, as with a bank job that died mid-file.
      await this.writeOut(base, xml.replace('</Document>', ''));
      return;
    }
    await this.writeOut(base, xml);
    if (this.take('duplicate_reply')) await this.writeOut(base, xml);
  }

  /** PDNG transfers of earlier runs become ACSC, booked now, each message told in a new pain.002. */
  private async settlePending(): Promise<void> {
    const now = this.clock.now();
    const byMessage = new Map<string, TxRecord[]>();
    for (const t of this.ledger.transactions.values()) {
      if (t.status !== 'PDNG' || this.ledger.messages.get(t.messageId)?.answered !== true) continue;
      const settled: TxRecord = { ...t, status: 'ACSC' };
      this.ledger.putTransaction(settled);
      this.book(settled, now);
      byMessage.set(t.messageId, [...(byMessage.get(t.messageId) ?? []), settled]);
    }
    for (const [messageId, txs] of byMessage) {
      const m = this.ledger.messages.get(messageId);
      const payments = [...new Set(txs.map((t) => t.paymentInformationId))].map((id) => ({
        paymentInformationId: id,
        transactions: txs.filter((t) => t.paymentInformationId === id).map((t) => ({ endToEndId: t.endToEndId, status: t.status })),
      }));
      const original = { messageId, ...(m ? { creationDateTime: m.creationDateTime } : {}) };
      await this.writeOut(`pain002_${safe(messageId)}`, transactionReport(original, this.linesOf(payments), this.account.bic, now));
    }
  }

  // ---- camt.053 out -----------------------------------------------------------------------------

  private async closeDayNow(date: string): Promise<string> {
    const now = this.clock.now();
    this.bookReturns(date);
    this.shiftOneCent();
    const candidates = this.ledger.unstated();
    // missing_entry: left off this statement; it stays unstated, so the next statement carries it.
    const missing = this.take('missing_entry', (b) => candidates.some((p) => p.kind === 'booking' && (b.endToEndId === undefined || p.endToEndId === b.endToEndId)));
    const heldId = missing ? candidates.find((p) => p.kind === 'booking' && (missing.endToEndId === undefined || p.endToEndId === missing.endToEndId))?.id : undefined;
    const postings = candidates.filter((p) => p.id !== heldId);
    const seq = this.ledger.books.statementSeq + 1;
    const opening = this.ledger.books.closing;
    const xml = build(
      'camt.053.001.08',
      statementModel({
        account: this.account,
        seq,
        date,
        now,
        opening,
        postings: postings.map((posting) => ({ posting, tx: this.ledger.transactions.get(posting.endToEndId) })),
      }),
    );
    // Written before the books say so: a crash in between gives a repeated statement, never a lost one.
    const base = `camt053_${date}_${this.ledger.books.fileSeq + 1}`;
    const name = await this.writeOut(base, xml);
    let fileSeq = this.ledger.books.fileSeq + 1;
    if (this.take('duplicate_statement')) {
      fileSeq++;
      await this.writeOut(`camt053_${date}_${fileSeq}`, xml);
    }
    for (const p of postings) this.ledger.putPosting({ ...p, statement: seq });
    this.ledger.putBooks({ ...this.ledger.books, statementSeq: seq, fileSeq, closing: closingOf(opening, postings) });
    return name;
  }

  /** return breaks: the money comes back (an opposite entry with RtrInf), and the transfer is marked returned. */
  private bookReturns(date: string): void {
    for (;;) {
      const target = (b: { endToEndId?: string }): TxRecord | undefined => {
        const booked = [...this.ledger.transactions.values()].filter((t) => t.status === 'ACSC' && !t.returned);
        return b.endToEndId === undefined ? booked.at(-1) : booked.find((t) => t.endToEndId === b.endToEndId);
      };
      const b = this.take('return', (x) => target(x) !== undefined);
      if (!b) return;
      const tx = target(b);
      if (!tx) return;
      this.ledger.putTransaction({ ...tx, returned: true });
      this.ledger.putPosting({
        id: this.ledger.nextPostingId(),
        endToEndId: tx.endToEndId,
        kind: 'return',
        amount: tx.amount.amount,
        currency: tx.amount.currency,
        direction: tx.direction === 'CRDT' ? 'DBIT' : 'CRDT',
        bookingDate: date,
        reason: b.reason ?? 'AC04',
      });
    }
  }

  /** amount_off_by_one_cent: the bank books one minor unit more than it was told; the balances follow its booking. */
  private shiftOneCent(): void {
    for (;;) {
      const fits = (b: { endToEndId?: string }) => (p: Posting) => p.kind === 'booking' && (b.endToEndId === undefined || p.endToEndId === b.endToEndId);
      const b = this.take('amount_off_by_one_cent', (x) => this.ledger.unstated().some(fits(x)));
      if (!b) return;
      const p = this.ledger.unstated().find(fits(b));
      if (p) this.ledger.putPosting({ ...p, amount: p.amount + 1 });
    }
  }
}
