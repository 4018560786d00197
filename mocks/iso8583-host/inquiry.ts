/**
 * The host's side of the demo network's status inquiry (0800, DE70 370, DE90 = the original; see
 * connectors/demo-card/inquiry.ts): it reports what its books say about the original and, when
 * they say nothing, promises it never will, by refusing the original should it arrive later (a
 * repeat the acquirer sends after that answer is its own decision, and runs once).
 */
import type { FieldMap } from '../../src/iso8583/index.js';
import { HostLedger } from './ledger.js';

export const STATUS_INQUIRY_CODE = '370';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const sub = (v: unknown, k: string): string => (typeof v === 'object' && v !== null ? str((v as Record<string, unknown>)[k]) : '');

/**
 * An 0810 refusing the inquiry itself (format error, bad MAC). It carries no DE90: DE90 in an 0810
 * is what tells the acquirer that DE39 speaks of the original rather than of the inquiry.
 */
export function refuseInquiry(req: FieldMap, code: string): FieldMap {
  const out: FieldMap = { '0': '0810', '39': code };
  for (const f of ['7', '11', '32', '41', '70']) if (req[f] !== undefined) out[f] = req[f];
  return out;
}

/** The 0810 answering an inquiry; `numericCurrency` turns the books' ISO 4217 code back into DE49. */
export function answerInquiry(req: FieldMap, ledger: HostLedger, numericCurrency: (alpha: string) => string | undefined): FieldMap {
  const o = req['90'];
  const [mti, stan, transmission, acquirer] = [sub(o, '1'), sub(o, '2'), sub(o, '3'), sub(o, '4')];
  if (o === undefined || mti === '') return refuseInquiry(req, '30');
  const out: FieldMap = { ...refuseInquiry(req, '00'), '90': o };
  const entry = ledger.findOriginal(mti, stan, transmission, acquirer);
  if (!entry) {
    ledger.refuseOriginal(HostLedger.originalKey(mti, stan, transmission, acquirer));
    out['39'] = '25';
    return out;
  }
  out['39'] = entry.responseCode;
  out['4'] = String(entry.amount).padStart(12, '0');
  const cur = numericCurrency(entry.currency);
  if (cur !== undefined) out['49'] = cur;
  if (entry.rrn) out['37'] = entry.rrn;
  if (entry.approved && entry.authCode) out['38'] = entry.authCode;
  if (entry.reversed) out['44'] = 'R';
  return out;
}
