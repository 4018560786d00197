import type { Store } from '../store/types.js';
import { breakView } from './inbound/publish.js';
import { reportToCsv } from './reconcile/index.js';
import { breaksOn, statementsOn, type BreakRecord } from './records.js';

export interface ReportScope {
  /** A merchant sees its own payments' breaks and the account-level ones of the connectors it uses. */
  merchantId?: string;
  connectors?: readonly string[];
}

export interface ReconciliationReportView {
  object: 'reconciliation_report';
  date: string;
  statements: { connector: string; statement_id: string; summary: unknown }[];
  counts: Record<string, number>;
  breaks: Record<string, unknown>[];
}

/** The breaks recorded for one statement date (the statement's own date), with what was read. */
export async function reconciliationBreaks(store: Store, date: string, scope: ReportScope = {}): Promise<BreakRecord[]> {
  const connectors = await connectorsOf(store, scope);
  return (await breaksOn(store, date, { ...(scope.merchantId !== undefined ? { merchantId: scope.merchantId } : {}) })).filter(
    (b) => b.merchantId !== null || connectors === undefined || connectors.includes(b.connector),
  );
}

/** The connectors a merchant's report covers: those named, else every one it has sent batch transfers through. */
async function connectorsOf(store: Store, scope: ReportScope): Promise<readonly string[] | undefined> {
  if (scope.connectors !== undefined || scope.merchantId === undefined) return scope.connectors;
  const rows = await store.sqlQuery('SELECT DISTINCT connector FROM batch_items WHERE merchant_id = ?', [scope.merchantId]);
  return rows.map((r) => String(r.connector));
}

export async function reconciliationReport(store: Store, date: string, scope: ReportScope = {}): Promise<ReconciliationReportView> {
  const connectors = await connectorsOf(store, scope);
  const breaks = await reconciliationBreaks(store, date, { ...scope, ...(connectors ? { connectors } : {}) });
  // a statement without breaks is news too: the day was checked and nothing was found
  const statements = (await statementsOn(store, date)).filter((s) => connectors === undefined || connectors.includes(s.connector));
  const counts: Record<string, number> = {};
  for (const b of breaks) counts[b.type] = (counts[b.type] ?? 0) + 1;
  return {
    object: 'reconciliation_report',
    date,
    statements: statements.map((s) => ({ connector: s.connector, statement_id: s.statementId, summary: s.summary })),
    counts,
    breaks: breaks.map((b) => ({ connector: b.connector, ...breakView(b.data, b.reportDate) })),
  };
}

/** The same breaks as CSV (RFC 4180, IBANs and card numbers masked). */
export function reconciliationCsv(breaks: readonly BreakRecord[]): string {
  return reportToCsv(breaks.map((b) => b.data));
}
