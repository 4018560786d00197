import type { CamtReport } from '../../iso20022/camt/model.js';
import type { Money, StatementSummary } from './types.js';

export function summarise(header: Omit<CamtReport, 'entries'>, entries: number, balances: { opening?: Money; closing?: Money }): StatementSummary {
  const a = header.account;
  const s: StatementSummary = {
    id: header.id,
    account: a.iban ?? a.other?.id ?? '',
    currency: a.currency ?? balances.closing?.currency ?? balances.opening?.currency ?? '',
    entries,
  };
  if (header.fromToDate?.from !== undefined) s.from = header.fromToDate.from;
  if (header.fromToDate?.to !== undefined) s.to = header.fromToDate.to;
  if (header.electronicSequenceNumber !== undefined) s.sequence = header.electronicSequenceNumber;
  if (balances.opening) s.opening = balances.opening;
  if (balances.closing) s.closing = balances.closing;
  return s;
}
