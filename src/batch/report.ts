import type { Store } from '../store/types.js';
import { breakView } from './inbound/publish.js';
import { maskDeep, reportToCsv } from './reconcile/index.js';
import { breaksOn, statementsOn, type BreakRecord } from './records.js';

/**
 * Who reads a report. A merchant sees the breaks of its own payments and nothing else: an
 * account-level break (MISSING_IN_OURS, BALANCE_DRIFT, SEQUENCE_GAP...) is about the connector's
 * account, which every merchant of the connector shares, and may carry another merchant's customer
 * in its text. Those, and the statements' totals, are for the operator only.
 */
export type ReportScope = { merchantId: string } | { operator: true; connectors?: readonly string[] };

export interface ReconciliationReportView {
  object: 'reconciliation_report';
  date: string;
  statements: { connector: string; statement_id: string; summary?: unknown }[];
  counts: Record<string, number>;
  breaks: Record<string, unknown>[];
}

const isMerchant = (scope: ReportScope): scope is { merchantId: string } => 'merchantId' in scope;

/** The breaks recorded for one statement date (the statement's own date) that this scope may see. */
export async function reconciliationBreaks(store: Store, date: string, scope: ReportScope): Promise<BreakRecord[]> {
  if (isMerchant(scope)) return (await breaksOn(store, date, { merchantId: scope.merchantId })).filter((b) => b.merchantId === scope.merchantId);
  return breaksOn(store, date, scope.connectors ? { connectors: scope.connectors } : {});
}

/** The connectors a merchant has sent batch transfers through: whose statements it may know were read. */
async function connectorsOf(store: Store, merchantId: string): Promise<readonly string[]> {
  const rows = await store.sqlQuery('SELECT DISTINCT connector FROM batch_items WHERE merchant_id = ?', [merchantId]);
  return rows.map((r) => String(r.connector));
}

/** The JSON report, masked exactly as the CSV is (one masking function, every string). */
export async function reconciliationReport(store: Store, date: string, scope: ReportScope): Promise<ReconciliationReportView> {
  const breaks = await reconciliationBreaks(store, date, scope);
  const connectors = isMerchant(scope) ? await connectorsOf(store, scope.merchantId) : scope.connectors;
  // a statement without breaks is news too (the day was checked and nothing was found); its
  // summary (the account's totals across all merchants) is the operator's
  const statements = (await statementsOn(store, date))
    .filter((s) => connectors === undefined || connectors.includes(s.connector))
    .map((s) => ({ connector: s.connector, statement_id: s.statementId, ...(isMerchant(scope) ? {} : { summary: s.summary }) }));
  const counts: Record<string, number> = {};
  for (const b of breaks) counts[b.type] = (counts[b.type] ?? 0) + 1;
  return maskDeep({
    object: 'reconciliation_report',
    date,
    statements,
    counts,
    breaks: breaks.map((b) => ({ connector: b.connector, ...breakView(b.data, b.reportDate) })),
  });
}

/** The same breaks as CSV (RFC 4180), masked by the same function as the JSON. */
export function reconciliationCsv(breaks: readonly BreakRecord[]): string {
  return reportToCsv(breaks.map((b) => b.data));
}
