import { num, str } from '../store/sql/columns.js';
import type { BatchRecords } from './records.js';

export interface CountTotal {
  count: number;
  /** Minor units as a decimal string: a day's total can pass 2^53. */
  total: string;
}

/** One cut-off run: what left in its files, and where each currency's money stands now. */
export interface CutoffSummary {
  cutoffAt: string;
  files: number;
  currencies: Record<string, CountTotal & { bySettlement: Record<string, CountTotal>; byStatus: Record<string, CountTotal> }>;
}

const add = (t: CountTotal, amount: number): void => {
  t.count++;
  t.total = (BigInt(t.total) + BigInt(amount)).toString();
};

/**
 * The settlement summary per cut-off (newest first): counts and totals per currency, split by
 * settlement state (batched, settled, returned, mismatch) and by bank status. Sums are bigint.
 */
export async function settlementSummary(records: BatchRecords, opts: { limit?: number } = {}): Promise<CutoffSummary[]> {
  const runs = await records.store.sqlQuery(
    'SELECT cutoff_at, COUNT(*) AS files FROM batch_files WHERE connector = ? GROUP BY cutoff_at ORDER BY cutoff_at DESC LIMIT ?',
    [records.connector, opts.limit ?? 30],
  );
  const out: CutoffSummary[] = [];
  for (const run of runs) {
    const cutoffAt = num(run, 'cutoff_at');
    const rows = await records.store.sqlQuery(
      `SELECT i.currency, i.amount, i.settlement, i.status FROM batch_items i JOIN batch_files f ON f.id = i.file_id
        WHERE f.connector = ? AND f.cutoff_at = ?`,
      [records.connector, cutoffAt],
    );
    const currencies: CutoffSummary['currencies'] = {};
    for (const r of rows) {
      const currency = str(r, 'currency');
      const amount = num(r, 'amount');
      const c = (currencies[currency] ??= { count: 0, total: '0', bySettlement: {}, byStatus: {} });
      add(c, amount);
      add((c.bySettlement[str(r, 'settlement')] ??= { count: 0, total: '0' }), amount);
      add((c.byStatus[str(r, 'status')] ??= { count: 0, total: '0' }), amount);
    }
    out.push({ cutoffAt: new Date(cutoffAt).toISOString(), files: Number(run.files), currencies });
  }
  return out;
}
