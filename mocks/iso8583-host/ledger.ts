import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/**
 * The simulated host's books: one entry per request it acted on, keyed by the acquirer's
 * reference (DE127.2, the switch key), so tests can compare the host's view with Railyard's.
 * Only masked card data is kept.
 */
export type HostTxnKind = 'verify' | 'authorize' | 'complete' | 'purchase' | 'reverse' | 'refund';

export interface HostEntry {
  reference: string;
  paymentId: string;
  kind: HostTxnKind;
  mti: string;
  stan: string;
  /** DE7 of the request: with MTI, STAN and acquirer it is what DE90 of a reversal points at. */
  transmission: string;
  acquirer: string;
  amount: number;
  currency: string;
  last4: string;
  responseCode: string;
  approved: boolean;
  reversed: boolean;
  /** For authorisations: completed by a 0220. For purchases (0200): true once approved. */
  completed: boolean;
  /** For completions and purchases: refunded so far. */
  refunded: number;
  /** The entry a completion, reversal or refund refers to. */
  original?: string;
  authCode?: string;
  rrn?: string;
}

/**
 * One line of the journal: an arrival of a reference (so `received()` survives a restart too), or
 * the new state of an entry (added, or changed in place by a completion, reversal or refund).
 */
export type HostJournalLine = { arrived: string } | { entry: HostEntry } | { refused: string };

export class HostLedger {
  private readonly byRef = new Map<string, HostEntry>();
  private readonly byOriginal = new Map<string, HostEntry>();
  private readonly receivedCounts = new Map<string, number>();
  /** Originals an inquiry was told do not exist: arriving later, they are refused, not executed. */
  private readonly refused = new Set<string>();

  /**
   * With a journal file the books outlive the process they run in (as a real host's do): every
   * change appends one JSON line, and a restart replays them, the last state of an entry winning.
   */
  constructor(private readonly journalPath?: string) {
    if (!journalPath || !existsSync(journalPath)) return;
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let l: HostJournalLine;
      try {
        l = JSON.parse(line) as HostJournalLine;
      } catch {
        continue; // a line torn by a crash mid-write: the change it records was never answered either
      }
      if ('arrived' in l) this.bump(l.arrived);
      else if ('refused' in l) this.refused.add(l.refused);
      else this.index(l.entry);
    }
  }

  static originalKey(mti: string, stan: string, transmission: string, acquirer: string): string {
    // x401/x421 repeats name the same original as x400/x420.
    return `${mti.slice(0, 3)}0|${stan}|${transmission}|${acquirer.replace(/^0+/, '')}`;
  }

  /** How many times a reference reached the host (faults included). */
  received(reference: string): number {
    return this.receivedCounts.get(reference) ?? 0;
  }

  countReceived(reference: string): void {
    this.bump(reference);
    this.journal({ arrived: reference });
  }

  private bump(reference: string): void {
    this.receivedCounts.set(reference, this.received(reference) + 1);
  }

  get(reference: string): HostEntry | undefined {
    return this.byRef.get(reference);
  }

  findOriginal(mti: string, stan: string, transmission: string, acquirer: string): HostEntry | undefined {
    return this.byOriginal.get(HostLedger.originalKey(mti, stan, transmission, acquirer));
  }

  refuseOriginal(key: string): void {
    if (this.refused.has(key)) return;
    this.refused.add(key);
    this.journal({ refused: key });
  }

  /** Whether a request (its MTI, DE11, DE7, DE32) was declared unknown to an inquiry before it arrived. */
  isRefused(mti: string, stan: string, transmission: string, acquirer: string): boolean {
    return this.refused.has(HostLedger.originalKey(mti, stan, transmission, acquirer));
  }

  add(e: HostEntry): void {
    this.index(e);
    this.record(e);
  }

  /** Journals an entry changed in place (completed, reversed, refunded). */
  record(e: HostEntry): void {
    this.journal({ entry: e });
  }

  private index(e: HostEntry): void {
    // A replayed later state replaces the earlier object in both indexes, so they never disagree.
    this.byRef.set(e.reference, e);
    this.byOriginal.set(HostLedger.originalKey(e.mti, e.stan, e.transmission, e.acquirer), e);
  }

  private journal(line: HostJournalLine): void {
    if (this.journalPath) appendFileSync(this.journalPath, JSON.stringify(line) + '\n');
  }

  entries(paymentId?: string): HostEntry[] {
    return [...this.byRef.values()].filter((e) => paymentId === undefined || e.paymentId === paymentId);
  }

  /** The authorisation of a payment that is still open (approved, not reversed). */
  openAuthorisation(paymentId: string): HostEntry | undefined {
    return this.entries(paymentId).find((e) => e.kind === 'authorize' && e.approved && !e.reversed);
  }

  /** The approved completion (or single-message purchase) a refund gives money back from. */
  completion(paymentId: string): HostEntry | undefined {
    return this.entries(paymentId).find((e) => (e.kind === 'complete' || e.kind === 'purchase') && e.approved && !e.reversed);
  }

  /** Totals in minor units: what stands authorised, completed, reversed and refunded. */
  summary(): { authorised: number; completed: number; reversed: number; refunded: number } {
    let authorised = 0;
    let completed = 0;
    let reversed = 0;
    let refunded = 0;
    for (const e of this.byRef.values()) {
      if (!e.approved) continue;
      if (e.kind === 'authorize') {
        if (e.reversed) reversed += e.amount;
        else if (!e.completed) authorised += e.amount;
      }
      if (e.kind === 'complete' || e.kind === 'purchase') {
        if (e.reversed) reversed += e.amount;
        else completed += e.amount;
      }
      if (e.kind === 'refund' && !e.reversed) refunded += e.amount;
    }
    return { authorised, completed, reversed, refunded };
  }

  clear(): void {
    this.byRef.clear();
    this.byOriginal.clear();
    this.receivedCounts.clear();
    this.refused.clear();
  }
}
