import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Amount } from '../../src/iso20022/index.js';

export type BankFlow = 'verify' | 'transfer' | 'inquire' | 'reverse' | 'refund';

/**
 * One entry per request id the bank received (EndToEndId of a transfer, `Vrfctn/Id`, `RtrId`,
 * `CxlId`): what it did with it and how often the id arrived. A repeated id is answered from
 * here and never executed twice; `received > 1` means the sender sent it twice.
 */
export interface LedgerEntry {
  id: string;
  flow: BankFlow;
  messageType: string;
  received: number;
  /** False when the request arrived but was dropped on purpose (the `no_reply` fault). */
  executed: boolean;
  /** ISO status: ACSC/PDNG/RJCT for transfers and returns, MTCH/CMTC/NMTC/NOAP for verifications, CNCL/RJCR for cancellations. */
  status: string;
  reason?: string;
  amount?: Amount;
  /** The instructing party's id (Railyard sends its payment id as InstrId). */
  instructionId?: string;
  /** For returns and cancellations: the EndToEndId of the transfer they concern. */
  original?: string;
  /** Minor units already returned against this transfer. */
  returned: number;
  reversed: boolean;
  /** When a pending transfer settles. */
  settlesAt?: number;
  /** Status reports pushed to the callback URL for this id. */
  pushes: number;
  /** Message reference data needed to report on it later. */
  source: { messageId: string; messageType: string; creationDateTime: string; paymentInformationId?: string };
  at: number;
}

export class BankLedger {
  private readonly byId = new Map<string, LedgerEntry>();

  /**
   * With a journal file the ledger outlives the process (as a real bank's does): every change
   * appends the entry's new state as one JSON line, and a restart replays them, last line wins.
   */
  constructor(private readonly journalPath?: string) {
    if (!journalPath || !existsSync(journalPath)) return;
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as LedgerEntry;
        this.byId.set(e.id, e);
      } catch {
        // a line torn by a crash mid-write: the change it records was never answered either
      }
    }
  }

  get(id: string): LedgerEntry | undefined {
    return this.byId.get(id);
  }

  put(entry: LedgerEntry): LedgerEntry {
    this.byId.set(entry.id, entry);
    this.record(entry);
    return entry;
  }

  /** Journals an entry changed in place. */
  record(entry: LedgerEntry): void {
    if (this.journalPath) appendFileSync(this.journalPath, JSON.stringify(entry) + '\n');
  }

  /** Counts an arrival; returns the entry when the id was seen before. */
  arrived(id: string): LedgerEntry | undefined {
    const seen = this.byId.get(id);
    if (seen) {
      seen.received++;
      this.record(seen);
    }
    return seen;
  }

  entries(): LedgerEntry[] {
    return [...this.byId.values()];
  }

  /** Returns and cancellations recorded against a transfer. */
  against(originalId: string): LedgerEntry[] {
    return this.entries().filter((e) => e.original === originalId);
  }

  /** Settles one pending transfer now (its timer fired: timers may run a millisecond before the wall clock agrees). */
  settle(e: LedgerEntry): void {
    if (e.status !== 'PDNG') return;
    e.status = 'ACSC';
    this.record(e);
  }

  /** Settles pending transfers whose time has come; returns those that changed. */
  settleDue(now: number): LedgerEntry[] {
    const changed: LedgerEntry[] = [];
    for (const e of this.byId.values()) {
      if (e.status === 'PDNG' && e.settlesAt !== undefined && now >= e.settlesAt) {
        e.status = 'ACSC';
        this.record(e);
        changed.push(e);
      }
    }
    return changed;
  }

  clear(): void {
    this.byId.clear();
  }
}
