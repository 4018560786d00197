import { createReadStream } from 'node:fs';
import type { CamtDocument, CamtEntry, CamtReport } from '../camt/model.js';
import { streamCamt, type CamtStreamOptions } from '../camt/stream.js';

/**
 * camt.053 in bounded memory (any version): a 50k-entry statement never exists as a whole in
 * memory. Events use statement vocabulary; see `streamCamt` for camt.052 and camt.054.
 */
export type Camt053StreamEvent =
  | { kind: 'groupHeader'; messageType: string; groupHeader: CamtDocument['groupHeader'] }
  | { kind: 'entry'; statementIndex: number; entryIndex: number; entry: CamtEntry }
  | { kind: 'statement'; statementIndex: number; statement: Omit<CamtReport, 'entries'>; entryCount: number };

export type Camt053StreamOptions = CamtStreamOptions;

export async function* streamCamt053(
  source: AsyncIterable<string | Uint8Array>,
  options: Camt053StreamOptions = {},
): AsyncGenerator<Camt053StreamEvent> {
  for await (const e of streamCamt(source, '053', options)) {
    if (e.kind === 'groupHeader') yield e;
    else if (e.kind === 'entry') yield { kind: 'entry', statementIndex: e.reportIndex, entryIndex: e.entryIndex, entry: e.entry };
    else yield { kind: 'statement', statementIndex: e.reportIndex, statement: e.report, entryCount: e.entryCount };
  }
}

/** Convenience for files on disk: 64 kB reads. */
export function streamCamt053File(path: string, options: Camt053StreamOptions = {}): AsyncGenerator<Camt053StreamEvent> {
  return streamCamt053(createReadStream(path, { highWaterMark: 64 * 1024 }), options);
}
