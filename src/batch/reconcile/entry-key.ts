import type { CamtEntry } from '../../iso20022/camt/model.js';
import { dayOf } from './dates.js';
import { detach } from './detach.js';

/**
 * Stable identities for entries. The account servicer's reference is unique per account by
 * definition, so it alone survives a statement being re-sent under another file name; NtryRef is
 * only unique in its statement, so it is qualified by the booking day; with neither, the position
 * in the file. A bank that repeats a reference gets the position appended, so two entries never
 * share a key (their breaks would otherwise dedupe into one).
 */
export class EntryKeys {
  private readonly used = new Set<string>();

  keyFor(statementIndex: number, entryIndex: number, entry: CamtEntry): string {
    const position = `#${statementIndex}.${entryIndex}`;
    let key = entry.accountServicerReference ?? `${entry.entryReference ?? position}@${dayOf(entry.bookingDate) ?? ''}`;
    if (this.used.has(key)) key = `${key}${position}`;
    key = detach(key);
    this.used.add(key);
    return key;
  }
}
