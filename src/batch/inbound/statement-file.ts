import type { Camt053StreamEvent } from '../../iso20022/index.js';
import { maskIban } from '../../domain/payment-method.js';

/**
 * A camt file is a list of statements (camt.053) or reports (camt.052/054), each about one
 * account. A bank channel may carry several accounts' statements in one file, in any order, so
 * every statement is judged on its own: ours are reconciled, the others are kept aside (the file
 * is archived and the ledger names them) and never decide anything about ours.
 */

export interface StatementHeader {
  /** 1-based position in the file, as the stream numbers it. */
  index: number;
  id: string;
  /** IBAN, else the other identification, without spaces; never logged unmasked. */
  account: string;
  entries: number;
}

export interface FileStatements {
  ours: StatementHeader[];
  others: StatementHeader[];
}

const compact = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

/**
 * First pass over the file: every statement's header. The header closes after its entries in the
 * stream, so which entries are ours is only known once the file was read; the caller reads it a
 * second time through `onlyStatements`.
 */
export async function splitStatements(events: AsyncIterable<Camt053StreamEvent>, ownAccount: string): Promise<FileStatements> {
  const own = compact(ownAccount);
  const out: FileStatements = { ours: [], others: [] };
  for await (const e of events) {
    if (e.kind !== 'statement') continue;
    const a = e.statement.account;
    const header: StatementHeader = { index: e.statementIndex, id: e.statement.id, account: compact(a.iban ?? a.other?.id ?? ''), entries: e.entryCount };
    (header.account === own ? out.ours : out.others).push(header);
  }
  return out;
}

/** The file's events restricted to the given statements (the group header passes). */
export async function* onlyStatements(events: AsyncIterable<Camt053StreamEvent>, keep: readonly StatementHeader[]): AsyncGenerator<Camt053StreamEvent> {
  const wanted = new Set(keep.map((h) => h.index));
  for await (const e of events) {
    if (e.kind === 'groupHeader' || wanted.has(e.statementIndex)) yield e;
  }
}

/** What the ledger says of statements kept aside: id, masked account and entry count, never the account itself. */
export function describeKeptAside(others: readonly StatementHeader[], ownAccount: string): string | undefined {
  if (others.length === 0) return undefined;
  const list = others.map((h) => `statement ${h.id} of account ${maskIban(h.account)} (${h.entries} entries)`).join('; ');
  return `${list}: not ${maskIban(ownAccount)}, kept, not reconciled`;
}
