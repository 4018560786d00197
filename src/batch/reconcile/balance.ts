import type { CamtBalance, CamtEntry, CamtReport } from '../../iso20022/camt/model.js';
import { ExactSum } from './exact-sum.js';
import type { RunState } from './run-state.js';
import type { Money } from './types.js';

const signed = (cdtDbt: string, amount: number): number => (cdtDbt === 'DBIT' ? -amount : amount);

/**
 * Opening + booked movements must give the closing balance. The entry's own CdtDbtInd is the
 * direction of the movement, reversals included (ISO: a reversal of a credit is a DBIT with
 * RvslInd), so RvslInd does not flip the sign again.
 */
export class Balances {
  private readonly movements = new Map<number, ExactSum>();

  add(statementIndex: number, entry: CamtEntry): void {
    let sum = this.movements.get(statementIndex);
    if (!sum) {
      sum = new ExactSum();
      this.movements.set(statementIndex, sum);
    }
    sum.add(signed(entry.creditDebit, entry.amount.amount));
  }

  /** Opening (OPBD, else PRCD) and closing (CLBD) booked balances; BALANCE_DRIFT when they disagree. */
  check(state: RunState, statementIndex: number, header: Omit<CamtReport, 'entries'>): { opening?: Money; closing?: Money } {
    const opening = pick(header.balances, 'OPBD') ?? pick(header.balances, 'PRCD');
    const closing = pick(header.balances, 'CLBD');
    const out: { opening?: Money; closing?: Money } = {};
    if (opening) out.opening = toMoney(opening);
    if (closing) out.closing = toMoney(closing);
    if (!opening || !closing) return out;
    const moved = this.movements.get(statementIndex)?.value() ?? 0n;
    const computed = BigInt(signed(opening.creditDebit, opening.amount.amount)) + moved;
    const stated = BigInt(signed(closing.creditDebit, closing.amount.amount));
    if (computed !== stated) {
      state.statementBreak(statementIndex, 'BALANCE_DRIFT', {
        type: 'BALANCE_DRIFT',
        expected: { amount: Number(computed), currency: closing.amount.currency },
        actual: { amount: Number(stated), currency: closing.amount.currency },
        detail: `opening ${signed(opening.creditDebit, opening.amount.amount)} + booked movements ${moved} = ${computed}, closing balance says ${stated} (drift ${stated - computed})`,
      });
    }
    return out;
  }
}

function pick(balances: CamtBalance[], code: string): CamtBalance | undefined {
  return balances.find((b) => b.type.code === code);
}

const toMoney = (b: CamtBalance): Money => ({ amount: signed(b.creditDebit, b.amount.amount), currency: b.amount.currency });
