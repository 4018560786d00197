import { pain002Outcomes, parse, type Pain001v09, type Pain002v10, type TransactionOutcome } from '../../iso20022/index.js';
import type { SqlExecutor } from '../../store/types.js';
import { FINAL_STATUSES, type BatchItem, type BatchRecords, type ItemStatus } from '../records.js';

/**
 * A pain.002 applied to the queue: one status per transaction (its own, else its payment
 * information's, else the group's), moved only forward. ACTC/ACCP and other interim codes keep an
 * item pending; ACSC/ACCC accept it; RJCT rejects it with the bank's reason.
 *
 * A group rejected as a duplicate (DU01..DU05) is the bank refusing a second copy of a file it
 * already has (a re-upload after a lost rename reply): the first copy stands, so nothing changes.
 */
export interface StatusReportEffect {
  /** Items whose status changed, or that the report repeats (the engine records repeats as notes). */
  touched: BatchItem[];
  ignored: { reason: string } | null;
}

const DUPLICATE_REASONS = new Set(['DU01', 'DU02', 'DU03', 'DU04', 'DU05']);

export async function applyStatusReport(db: SqlExecutor, records: BatchRecords, report: Pain002v10, at: number): Promise<StatusReportEffect> {
  const group = report.originalGroup;
  const groupReason = group.statusReasons?.[0]?.reason?.code;
  if (group.groupStatus === 'RJCT' && groupReason && DUPLICATE_REASONS.has(groupReason)) {
    // The refusal is also the proof that the bank holds the first copy: a file we had not yet
    // recorded as uploaded (a crash between the upload and its record) is recorded now.
    const refused = await records.fileByMessageId(db, group.originalMessageId);
    if (refused?.status === 'built') {
      await records.markFile(db, refused.id, { status: 'uploaded', remoteName: refused.remoteName ?? refused.name, uploadedAt: at, lastError: null });
      for (const item of await records.itemsOfFile(db, refused.id)) if (item.status === 'filed') await records.updateItem(db, item.reference, { status: 'sent' }, at);
    }
    return { touched: [], ignored: { reason: `the bank refused a duplicate of file ${group.originalMessageId} (${groupReason}); the first copy stands` } };
  }
  const file = await records.fileByMessageId(db, group.originalMessageId);
  // With the original at hand, a group-level status also covers transactions the report does not list.
  const original = file ? originalOf(file.plain ?? file.content) : undefined;
  const outcomes = pain002Outcomes(report, original ? { original } : {});
  const ids = outcomes.map((o) => o.originalEndToEndId).filter((x): x is string => typeof x === 'string');
  const items = await records.itemsByEndToEndId(db, ids);
  const touched: BatchItem[] = [];
  for (const o of outcomes) {
    const item = o.originalEndToEndId !== undefined ? items.get(o.originalEndToEndId) : undefined;
    if (!item) continue;
    const next = statusFrom(o);
    if (next === null) continue;
    if (FINAL_STATUSES.has(item.status) || next === item.status) {
      touched.push(item);
      continue;
    }
    const reasonCode = o.reason?.reason?.code ?? o.reason?.reason?.proprietary ?? null;
    const change = {
      status: next,
      ...(next === 'rejected' ? { reasonCode: reasonCode ?? 'RJCT', reason: o.reason?.additionalInformation?.join(' ') || `rejected by the bank (${reasonCode ?? 'RJCT'})` } : {}),
      // a refused transfer will never be booked: it leaves `batched` (a statement may still show
      // otherwise, and then settles it and reports the conflict)
      ...(next === 'rejected' && item.settlement === 'batched' ? { settlement: 'rejected' as const } : {}),
      ...(item.messageId === null ? { messageId: group.originalMessageId } : {}),
    };
    await records.updateItem(db, item.reference, change, at);
    touched.push({ ...item, ...change, updatedAt: at });
  }
  return { touched, ignored: null };
}

function statusFrom(o: TransactionOutcome): ItemStatus | null {
  switch (o.kind) {
    case 'settled':
      return 'accepted';
    case 'rejected':
      return 'rejected';
    case 'accepted':
    case 'pending':
      return 'pending';
    default:
      // An unknown code says nothing: the item keeps waiting for a status it understands.
      return null;
  }
}

/** The pain.001 we sent, read back from the archive. */
function originalOf(content: Uint8Array): Pain001v09 | undefined {
  try {
    const parsed = parse(Buffer.from(content).toString('utf8'), { expect: 'pain.001.001.09' });
    return parsed.model as Pain001v09;
  } catch {
    return undefined;
  }
}
