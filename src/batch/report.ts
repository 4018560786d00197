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
  let connectors = scope.connectors;
  if (scope.merchantId !== undefined && connectors === undefined) {
    const rows = await store.sqlQuery('SELECT DISTINCT connector FROM batch_items WHERE merchant_id = ?', [scope.merchantId]);
    connectors = rows.map((r) => String(r.connector));
  }
  return (await breaksOn(store, date, { ...(scope.merchantId !== undefined ? { merchantId: scope.merchantId } : {}) })).filter(
    (b) => b.merchantId !== null || connectors === undefined || connectors.includes(b.connector),
  );
}

export async function reconciliationReport(store: Store, date: string, scope: ReportScope = {}): Promise<ReconciliationReportView> {
  const breaks = await reconciliationBreaks(store, date, scope);
  const visible = new Set(breaks.map((b) => b.connector));
  const statements = (await statementsOn(store, date)).filter((s) => scope.merchantId === undefined || visible.has(s.connector) || (scope.connectors ?? []).includes(s.connector));
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
