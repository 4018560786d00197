import { reportAbsent } from './absent.js';
import { Balances } from './balance.js';
import type { Ctx } from './context.js';
import { EntryKeys } from './entry-key.js';
import { ReconcileInputError } from './errors.js';
import { ExpectedIndex } from './expected-index.js';
import { processEntry } from './process-entry.js';
import { RunState } from './run-state.js';
import { summarise } from './summary.js';
import type { ReconcileInput, ReconcileResult, StatementSummary } from './types.js';

const YMD = /^\d{4}-\d{2}-\d{2}$/;

function checkInput(input: ReconcileInput): void {
  if (!YMD.test(input.asOf)) throw new ReconcileInputError(`asOf must be YYYY-MM-DD, got "${input.asOf}"`);
  if (!Number.isInteger(input.missingAfterBusinessDays) || input.missingAfterBusinessDays < 0) {
    throw new ReconcileInputError('missingAfterBusinessDays must be a non-negative integer');
  }
  const w = input.dateWindowDays;
  if (w !== undefined && (!Number.isInteger(w) || w < 0)) throw new ReconcileInputError('dateWindowDays must be a non-negative integer');
}

/**
 * Matches one camt.053 file against the payments we expect and says what changed: settlements to
 * apply and breaks to store. Pure apart from reading `entries`: the caller persists the result.
 * Memory is the expected payments, their indexes and the outcome; the statement is never held.
 */
export async function reconcileStatement(input: ReconcileInput): Promise<ReconcileResult> {
  checkInput(input);
  const state = new RunState(new ExpectedIndex(input.expected));
  const ctx: Ctx = { state, options: { dateWindowDays: input.dateWindowDays ?? 5, ignoreUnmatched: input.ignoreUnmatched } };
  const keys = new EntryKeys();
  const balances = new Balances();
  const statementIds = new Map<number, string>();
  const statements: StatementSummary[] = [];
  let read = 0;
  for await (const ev of input.entries) {
    if (ev.kind === 'entry') {
      processEntry(ctx, keys, balances, ev.statementIndex, ev.entryIndex, ev.entry);
      read++;
      input.onProgress?.(read);
    } else if (ev.kind === 'statement') {
      const b = balances.check(state, ev.statementIndex, ev.statement);
      statementIds.set(ev.statementIndex, ev.statement.id);
      statements.push(summarise(ev.statement, ev.entryCount, b));
    }
  }
  const first = statements[0];
  if (!first) throw new ReconcileInputError('the input holds no statement');
  if (input.checkAbsence !== false) reportAbsent(state, input);
  return {
    statement: first,
    statements,
    settlements: state.settlementList(),
    breaks: state.breakList(statementIds),
    totals: state.totals.out(),
    notBooked: state.notBooked,
  };
}
