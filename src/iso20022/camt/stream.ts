import { miscasedNamespace, NAMESPACE_PREFIX } from '../detect.js';
import { Iso20022UnknownMessageError, type Finding } from '../errors.js';
import { Reader } from '../xml/reader.js';
import { pathOf, streamSubtrees } from '../xml/stream.js';
import type { CamtDocument, CamtEntry, CamtReport } from './model.js';
import { REPORT_ELEMENT, entry, groupHeader, reportHeader } from './parse.js';

/**
 * Any camt.052/053/054 in bounded memory: entries are delivered one by one as they are read, and
 * each report's header (account, balances) when the report closes. Memory is bounded by the
 * largest single entry, not by the file.
 */
export type CamtStreamEvent =
  | { kind: 'groupHeader'; messageType: string; groupHeader: CamtDocument['groupHeader']; warnings?: Finding[] }
  | { kind: 'entry'; reportIndex: number; entryIndex: number; entry: CamtEntry }
  | { kind: 'report'; reportIndex: number; report: Omit<CamtReport, 'entries'>; entryCount: number };

export interface CamtStreamOptions {
  /** Bound on one captured subtree (one entry, one report header), in characters. Default 4 Mi. */
  maxSubtreeChars?: number;
  /** Elements nested deeper than this are refused (default DEFAULT_MAX_DEPTH, as `parse`). */
  maxDepth?: number;
}

export async function* streamCamt(
  source: AsyncIterable<string | Uint8Array>,
  family: keyof typeof REPORT_ELEMENT,
  options: CamtStreamOptions = {},
): AsyncGenerator<CamtStreamEvent> {
  const reportName = REPORT_ELEMENT[family];
  const wanted = new RegExp(`^camt\\.${family}\\.001\\.\\d{2}$`);
  let messageType = '';
  const entriesPerReport = new Map<number, number>();
  const warnings: Finding[] = [];
  const captures = streamSubtrees(source, {
    ...(options.maxSubtreeChars !== undefined ? { maxCaptureChars: options.maxSubtreeChars } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    onRoot(tag) {
      const t = tag.uri.startsWith(NAMESPACE_PREFIX) ? tag.uri.slice(NAMESPACE_PREFIX.length) : '';
      if (tag.local !== 'Document' || !wanted.test(t)) {
        throw new Iso20022UnknownMessageError(tag.uri || `root element ${tag.local}`, tag.local);
      }
      messageType = t;
      if (tag.miscased !== undefined) warnings.push(miscasedNamespace(tag.miscased, tag.wanted, tag.local));
    },
    capture: (names) =>
      (names.length === 3 && (names[2] === 'GrpHdr' || names[2] === reportName)) ||
      (names.length === 4 && names[2] === reportName && names[3] === 'Ntry'),
  });
  for await (const c of captures) {
    const reader = new Reader(c.node, pathOf(c));
    const reportIndex = c.indexes[2] ?? 1;
    if (c.names[2] === 'GrpHdr') {
      yield { kind: 'groupHeader', messageType, groupHeader: groupHeader(reader), ...(warnings.length > 0 ? { warnings } : {}) };
    } else if (c.names.length === 4) {
      entriesPerReport.set(reportIndex, (entriesPerReport.get(reportIndex) ?? 0) + 1);
      yield { kind: 'entry', reportIndex, entryIndex: c.indexes[3] ?? 1, entry: entry(reader) };
    } else {
      yield { kind: 'report', reportIndex, report: reportHeader(reader), entryCount: entriesPerReport.get(reportIndex) ?? 0 };
    }
  }
}
