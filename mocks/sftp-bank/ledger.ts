import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Amount } from '../../src/iso20022/index.js';

/**
 * The simulated bank's books: every pain.001 it received (by MsgId), every transaction (by
 * EndToEndId), every posting on the customer's account, and the statement counters. With a
 * journal file each change is appended as one JSON line and replayed at start (last line per key
 * wins), so the books outlive a crash of the process the bank runs in, as a real bank's do.
 */

export type Direction = 'CRDT' | 'DBIT';
export type TxStatusCode = 'ACSC' | 'PDNG' | 'RJCT';

export interface TxRecord {
  endToEndId: string;
  messageId: string;
  paymentInformationId: string;
  instructionId?: string;
  uetr?: string;
  amount: Amount;
  /** Seen from the customer's account: CRDT when it is the creditor, DBIT otherwise. */
  direction: Direction;
  counterparty: { name?: string; iban?: string };
  status: TxStatusCode;
  reason?: string;
  /** How often this EndToEndId arrived (a re-sent file counts again; it is executed once). */
  received: number;
  returned: boolean;
  at: number;
}

/** One line of a status report, as first given: enough to write the same reply again after a crash. */
export interface AnsweredTx {
  endToEndId: string;
  status: TxStatusCode;
  reason?: string;
}

export interface MessageRecord {
  messageId: string;
  creationDateTime: string;
  /** The file it arrived in. */
  file: string;
  received: number;
  payments: Array<{ paymentInformationId: string; transactions: AnsweredTx[] }>;
  /** The reply was written (or withheld on purpose): re-finding the file in `in/` is then a duplicate. */
  answered: boolean;
}

export interface Posting {
  /** AcctSvcrRef of the entry, unique. */
  id: string;
  endToEndId: string;
  kind: 'booking' | 'return';
  /** Minor units as booked (a break may make this differ from the transaction's amount). */
  amount: number;
  currency: string;
  direction: Direction;
  bookingDate: string;
  reason?: string;
  /** ElctrncSeqNb of the statement that carried it. */
  statement?: number;
}

export interface Books {
  /** ElctrncSeqNb of the last statement. */
  statementSeq: number;
  /** Statement files written (a duplicated statement takes two). */
  fileSeq: number;
  postingSeq: number;
  /** Closing balance of the last statement, signed minor units. */
  closing: number;
}

type Line = { m: MessageRecord } | { t: TxRecord } | { p: Posting } | { b: Books } | { n: string };

export class SftpBankLedger {
  readonly messages = new Map<string, MessageRecord>();
  readonly transactions = new Map<string, TxRecord>();
  readonly postings = new Map<string, Posting>();
  /** Names of the files the bank wrote into `out/`, so a name is never used twice. */
  readonly written = new Set<string>();
  books: Books = { statementSeq: 0, fileSeq: 0, postingSeq: 0, closing: 0 };

  constructor(private readonly journalPath?: string) {
    if (!journalPath || !existsSync(journalPath)) return;
    for (const text of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!text.trim()) continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        continue; // a line torn by a crash mid-write: what it records was never acted on outside
      }
      this.apply(line);
    }
  }

  private apply(line: Line): void {
    if ('m' in line) this.messages.set(line.m.messageId, line.m);
    else if ('t' in line) this.transactions.set(line.t.endToEndId, line.t);
    else if ('p' in line) this.postings.set(line.p.id, line.p);
    else if ('b' in line) this.books = line.b;
    else this.written.add(line.n);
  }

  private append(line: Line): void {
    if (this.journalPath) appendFileSync(this.journalPath, JSON.stringify(line) + '\n');
  }

  putMessage(m: MessageRecord): void {
    this.messages.set(m.messageId, m);
    this.append({ m });
  }

  putTransaction(t: TxRecord): void {
    this.transactions.set(t.endToEndId, t);
    this.append({ t });
  }

  putPosting(p: Posting): void {
    this.postings.set(p.id, p);
    this.append({ p });
  }

  putBooks(b: Books): void {
    this.books = b;
    this.append({ b });
  }

  wrote(name: string): void {
    this.written.add(name);
    this.append({ n: name });
  }

  /** A fresh AcctSvcrRef. */
  nextPostingId(): string {
    const seq = this.books.postingSeq + 1;
    this.putBooks({ ...this.books, postingSeq: seq });
    return `SIM${String(seq).padStart(12, '0')}`;
  }

  /** Postings not yet on a statement, in booking order. */
  unstated(): Posting[] {
    return [...this.postings.values()].filter((p) => p.statement === undefined);
  }
}
