/**
 * `railyard/batch`: the SFTP batch rail (cut-offs, outbound pain.001 files, inbound status and
 * statement files, settlement, reconciliation) is not built yet; this entry point exists so the
 * package's export map is complete. See the batch-rail issue.
 */
export const BATCH_RAIL_AVAILABLE = false as const;
