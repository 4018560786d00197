import type { BatchProfile } from './profile.js';
import type { BatchFile, BatchItem, BatchRecords } from './records.js';
import { TransportError, type FileTransport } from './transport/index.js';

export interface UploadContext {
  records: BatchRecords;
  profile: BatchProfile;
  transport: FileTransport;
}

export interface UploadResult {
  uploaded: string[];
  failed: { name: string; kind: string; retryable: boolean }[];
  /** Items whose file was given up without any attempt that could have reached the bank. */
  notSent: BatchItem[];
  /**
   * Files that may have reached the bank and are nowhere to be seen, at a bank that does not refuse
   * duplicates: they wait for the bank's word (a status report) and are never sent again blindly.
   */
  awaitingBank: string[];
}

/**
 * Uploads every built file, once. Before each upload the file is looked for everywhere the bank
 * may have put it (the upload directory, then `directories.bankTakes`) and in the bank's status
 * reports: found, an earlier attempt succeeded and only its record was lost, so nothing is sent
 * twice. Before the first byte leaves, the file is durably marked "may have reached the bank".
 * Found nowhere, such a file is sent again where the profile says absence is proof (the bank leaves
 * or moves what it takes) or the bank refuses duplicate message ids (its DU01 is the proof); at a
 * bank that deletes what it takes it waits for the bank's word instead (`awaitingBank`).
 *
 * A file is given up (its items `not_sent`) only if it is older than `giveUpAfterMs` AND no
 * attempt ever got as far as sending bytes: once an upload may have reached the server, only the
 * bank's status report can say what happened, and the items wait for it.
 */
export async function uploadBuiltFiles(ctx: UploadContext, now: number): Promise<UploadResult> {
  const { records, profile, transport } = ctx;
  const out: UploadResult = { uploaded: [], failed: [], notSent: [], awaitingBank: [] };
  const dir = profile.directories.outbound;
  for (const file of await records.filesToUpload()) {
    // Another node may be uploading it right now: one sender per file.
    if (!(await records.leaseFile(file.id, now, now + profile.uploadLeaseMs))) continue;
    let sending = false;
    try {
      const there = await transport.stat(dir, file.name);
      let remoteName = file.name;
      const doneFile = profile.doneFileSuffix ? `${file.name}${profile.doneFileSuffix}` : undefined;
      const taken = !there || there.size !== file.size ? await takenByBank(ctx, file) : false;
      if (taken) {
        // The bank has it (moved aside, or it answered about it): record the upload, send nothing.
      } else if (!there || there.size !== file.size) {
        // Nowhere to be seen proves nothing only where the bank removes what it took.
        if (file.maybeDelivered && profile.directories.takenFiles === 'deleted' && !profile.refusesDuplicateMessageIds) {
          out.awaitingBank.push(file.name);
          await records.transaction((db) => records.markFile(db, file.id, { lastError: 'may have reached the bank: waiting for its status report, not sent again' }));
          continue;
        }
        // Durably, before the first byte: from here a crash cannot make this file look unsent.
        if (!file.maybeDelivered) await records.transaction((db) => records.markFile(db, file.id, { maybeDelivered: true }, { keepLease: true }));
        sending = true;
        // The signature goes first: when the data file appears, its signature is already beside it.
        if (file.sidecar) await transport.upload(dir, `${file.name}.p7s`, file.sidecar);
        const done = await transport.upload(dir, file.name, file.content, doneFile ? { doneFile } : {});
        remoteName = done.name;
      } else if (doneFile && !(await transport.stat(dir, doneFile))) {
        // An earlier attempt placed the data but died before its trigger: a bank that waits for
        // the done file would never take the data otherwise.
        sending = true;
        await transport.upload(dir, doneFile, new Uint8Array(0));
      }
      await records.transaction(async (db) => {
        await records.markFile(db, file.id, { status: 'uploaded', remoteName, uploadedAt: now, attempts: file.attempts + 1, lastError: null });
        for (const item of await records.itemsOfFile(db, file.id)) {
          if (item.status === 'filed') await records.updateItem(db, item.reference, { status: 'sent' }, now);
        }
      });
      out.uploaded.push(remoteName);
    } catch (err) {
      const kind = err instanceof TransportError ? err.kind : 'internal';
      const retryable = err instanceof TransportError ? err.retryable : false;
      out.failed.push({ name: file.name, kind, retryable });
      const maybeDelivered = file.maybeDelivered || sending;
      const giveUp = !maybeDelivered && now - file.createdAt >= profile.giveUpAfterMs;
      const notSent = await records.transaction(async (db) => {
        await records.markFile(db, file.id, {
          attempts: file.attempts + 1,
          maybeDelivered,
          lastError: `${kind}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500),
          ...(giveUp ? { status: 'abandoned' as const } : {}),
        });
        if (!giveUp) return [];
        return abandon(records, db, file, now);
      });
      out.notSent.push(...notSent);
    }
  }
  return out;
}

async function abandon(records: BatchRecords, db: Parameters<BatchRecords['itemsOfFile']>[0], file: BatchFile, now: number): Promise<BatchItem[]> {
  const items = await records.itemsOfFile(db, file.id);
  const reason = `file ${file.name} could not be delivered to the bank for ${Math.round((now - file.createdAt) / 1000)} s; no attempt reached it`;
  const out: BatchItem[] = [];
  for (const item of items) {
    await records.updateItem(db, item.reference, { status: 'not_sent', reasonCode: 'bank_unreachable', reason, settlement: 'unsettled' }, now);
    out.push({ ...item, status: 'not_sent', reasonCode: 'bank_unreachable', reason, settlement: 'unsettled' });
  }
  return out;
}

/**
 * Whether the bank already took `file`: it lies in one of the directories the bank moves files
 * to, or the bank's status reports already speak of its transactions (an item past `sent`).
 */
async function takenByBank(ctx: UploadContext, file: BatchFile): Promise<boolean> {
  for (const d of ctx.profile.directories.bankTakes) {
    const seen = await ctx.transport.stat(d, file.name);
    if (seen && seen.size === file.size) return true;
  }
  return ctx.records.transaction(async (db) => (await ctx.records.itemsOfFile(db, file.id)).some((i) => !['queued', 'filed', 'sent', 'not_sent'].includes(i.status)));
}
