import { newMessageId } from '../iso20022/index.js';
import { localDate, rollToBusinessDay, type CalendarSpec } from './calendar/index.js';
import { partitionQueuedTransfers, planBatchFiles, renderFileName, type QueuedTransfer } from './outbound/index.js';
import type { BatchProfile } from './profile.js';
import { protectOutbound, type OutboundProtection } from './protect/index.js';
import { auditFile, type AuditedFile } from './audit.js';
import { sha256Hex, type BatchFile, type BatchItem, type BatchRecords } from './records.js';

export interface CutoffContext {
  records: BatchRecords;
  profile: BatchProfile;
  calendar: CalendarSpec;
  protection: OutboundProtection;
}

export interface CutoffFileSummary {
  id: string;
  name: string;
  messageId: string;
  transactions: number;
  /** Per currency: count and total in minor units (decimal strings: sums may pass 2^53). */
  totals: Record<string, { count: number; total: string }>;
}

export interface CutoffRun {
  at: number;
  files: CutoffFileSummary[];
  items: number;
  /** Items no file could carry (checked again at the cut-off: a profile may have changed since): failed, not left to block the queue. */
  rejected: BatchItem[];
}

/** More than one cut-off's worth is claimed per transaction only up to this many items. */
const CLAIM_LIMIT = 50_000;

/**
 * Builds the files of every item whose cut-off has come. Claiming the items, building the files,
 * naming them (from the durable sequence), protecting them and recording every byte happen in ONE
 * transaction: after a crash either nothing of the run exists (it runs again) or the files exist
 * with their items marked (only the upload is left). So a file is built once, whatever happens.
 */
export async function runCutoff(ctx: CutoffContext, now: number, opts: { all?: boolean } = {}): Promise<CutoffRun> {
  const { records, profile } = ctx;
  const run: CutoffRun = { at: now, files: [], items: 0, rejected: [] };
  const audits: { items: BatchItem[]; file: AuditedFile }[] = [];
  await records.transaction(async (db, dialect) => {
    // the store may run this function again (conflict retry): what a rolled-back run counted is void
    run.files = [];
    run.items = 0;
    run.rejected = [];
    // `all`: every queued item now, whatever cut-off it waits for (an operator's early run)
    const items = await records.claimDue(db, dialect, opts.all ? Number.MAX_SAFE_INTEGER : now, CLAIM_LIMIT);
    if (items.length === 0) return;
    // A cut-off missed while we were down must not ask the bank to execute in the past.
    const earliest = rollToBusinessDay(localDate(now, ctx.calendar.timeZone ?? 'UTC'), ctx.calendar);
    const byE2e = new Map<string, BatchItem>();
    const transfers: QueuedTransfer[] = items.map((item) => {
      byE2e.set(item.endToEndId, item);
      return {
        paymentId: item.aggregateId,
        endToEndId: item.endToEndId,
        uetr: item.uetr,
        amount: item.amount,
        currency: item.currency,
        debtor: item.transfer.debtor,
        creditor: item.transfer.creditor,
        remittance: item.transfer.remittance,
        executionDate: item.executionDate < earliest ? earliest : item.executionDate,
      };
    });
    // One item the file cannot carry must not hold back every other item of the cut-off.
    const { valid, rejected } = partitionQueuedTransfers(transfers, profile.rules);
    const byAggregate = new Map(items.map((i) => [i.aggregateId, i]));
    for (const problem of rejected) {
      const item = byAggregate.get(problem.paymentId);
      if (!item) continue;
      const reason = `${problem.field}: ${problem.message}`;
      await records.updateItem(db, item.reference, { status: 'rejected', reasonCode: 'invalid_transfer', reason }, now);
      run.rejected.push({ ...item, status: 'rejected', reasonCode: 'invalid_transfer', reason });
    }
    if (valid.length === 0) return;
    const messageIds: string[] = [];
    const plans = planBatchFiles(valid, {
      messageIdFor: (i) => (messageIds[i] ??= newMessageId()),
      now,
      initiatingParty: profile.initiatingParty ?? { name: profile.account.name },
      maxTransactionsPerFile: profile.maxTransactionsPerFile,
      profile: profile.rules,
      ...(profile.batchBooking ? { batchBooking: true } : {}),
    });
    let seq = await records.nextSequence(db, plans.length);
    for (const plan of plans) {
      const name = renderFileName(profile.fileNameTemplate, { bank: profile.bank, at: now, timeZone: ctx.calendar.timeZone ?? 'UTC', seq: seq++, messageId: plan.messageId });
      const wire = await protectOutbound(plan.xml, ctx.protection);
      const fileName = `${name}${wire.extension}`;
      const file: BatchFile = {
        id: `bf_${plan.messageId}`,
        connector: records.connector,
        name: fileName,
        messageId: plan.messageId,
        cutoffAt: now,
        executionDate: plan.groups[0]?.executionDate ?? earliest,
        status: 'built',
        transactions: plan.transactions,
        controlSum: plan.controlSum,
        sha256: sha256Hex(wire.data),
        size: wire.data.byteLength,
        content: wire.data,
        plain: wire.data === plan.xml ? null : plan.xml,
        sidecar: wire.sidecar?.data ?? null,
        remoteName: null,
        attempts: 0,
        maybeDelivered: false,
        lastError: null,
        createdAt: now,
        uploadedAt: null,
      };
      await records.insertFile(db, file);
      const totals: CutoffFileSummary['totals'] = {};
      const carried: BatchItem[] = [];
      for (const group of plan.groups) {
        for (const e2e of group.endToEndIds) {
          const item = byE2e.get(e2e);
          if (!item) continue;
          carried.push(item);
          await records.updateItem(
            db,
            item.reference,
            { status: 'filed', settlement: 'batched', fileId: file.id, messageId: plan.messageId, paymentInfoId: group.paymentInformationId, executionDate: group.executionDate },
            now,
          );
          const t = (totals[item.currency] ??= { count: 0, total: '0' });
          t.count++;
          t.total = (BigInt(t.total) + BigInt(item.amount)).toString();
          run.items++;
        }
      }
      audits.push({ items: carried, file: { direction: 'outbound', name: fileName, sha256: file.sha256, message: plan.messageId, sidecarSha256: file.sidecar ? sha256Hex(file.sidecar) : null } });
      run.files.push({ id: file.id, name: fileName, messageId: plan.messageId, transactions: plan.transactions, totals });
    }
  });
  // the exact bytes that will leave, named in each carried payment's hash-chained timeline
  for (const a of audits) await auditFile(records.store, a.items, a.file, now);
  return run;
}
