import type { Store } from '../store/types.js';
import type { BatchItem } from './records.js';

/** A bank file as the audit trail names it: never its content, only what proves which bytes it was. */
export interface AuditedFile {
  direction: 'outbound' | 'inbound';
  name: string;
  sha256: string;
  /** pain.001 MsgId we sent, or the ISO message type of a bank file. */
  message: string | null;
  /** SHA-256 of the detached signature that came with (or went with) it. */
  sidecarSha256?: string | null;
}

/**
 * Writes the file's SHA-256 into the hash-chained timeline of every payment it carried or
 * decided, so the chain that proves what happened to a payment also proves which exact file said
 * so (and `batch_files`/`batch_inbound` must still hold those bytes). Appended through the store's
 * own transaction and history API (so the chain is written with the store's audit keys), under
 * the payment's row lock: one writer per chain at a time, like the engine. It runs right after the
 * file's own commit: a crash in between leaves the file applied without its notes (the ledger and
 * the bytes still have it), never a note for a file that was not applied.
 */
export async function auditFile(store: Store, items: Iterable<BatchItem>, file: AuditedFile, at: number): Promise<number> {
  const list = [...items];
  if (list.length === 0) return 0;
  return store.transaction(async (tx) => {
    const done = new Set<string>();
    // one row per aggregate per file, in a fixed order so two writers lock payments alike
    const unique = [...new Map(list.map((i) => [i.aggregateId, i])).values()].sort((a, b) => (a.paymentId < b.paymentId ? -1 : a.paymentId > b.paymentId ? 1 : 0));
    for (const item of unique) {
      const payment = await tx.lockPayment(item.paymentId);
      if (!payment) continue;
      await tx.appendHistory({
        paymentId: item.paymentId,
        aggregateId: item.aggregateId,
        at,
        kind: 'note',
        fromState: payment.state,
        toState: payment.state,
        data: {
          batch_file: {
            direction: file.direction,
            name: file.name,
            sha256: file.sha256,
            message: file.message,
            ...(file.sidecarSha256 ? { sidecar_sha256: file.sidecarSha256 } : {}),
            reference: item.reference,
          },
        },
      });
      done.add(item.aggregateId);
    }
    return done.size;
  });
}
