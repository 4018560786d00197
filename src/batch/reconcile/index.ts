export { reconcileStatement } from './reconcile.js';
export { reportToJson } from './report-json.js';
export { reportToCsv } from './report-csv.js';
export { maskDeep, maskIban, maskSensitive } from './mask.js';
export { ProgressBar, countBytes, type ProgressBarOptions, type ProgressStream } from './progress-bar.js';
export { ReconcileInputError } from './errors.js';
export type {
  BreakType,
  CountAndSum,
  CurrencyTotals,
  ExpectedPayment,
  MatchedBy,
  Money,
  ReconcileInput,
  ReconcileResult,
  ReconciliationBreak,
  Settlement,
  StatementSummary,
} from './types.js';
