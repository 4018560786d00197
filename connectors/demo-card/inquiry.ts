/**
 * Transaction status inquiry of the demo card network. ISO 8583 has no universal inquiry message,
 * and repeating the original (an 0100 sent again) would be a second request, not a question. The
 * demo network asks with a network management message: 0800, DE70 = 370 (a private code), DE90 =
 * the original's MTI, STAN, DE7 and acquirer (exactly what a reversal names), MACed like a
 * financial message since the answer decides where money goes. The host answers 0810 echoing
 * DE90 with the original's own DE39 (and its DE4/DE49/DE37, DE44 `R` once reversed), or 25 when it
 * has no record of the original; from that answer on it refuses the original should it still
 * arrive, so "not found" is final for that message. The engine may then send the request again as
 * a repeat (0101, 0221, 0201) under the same STAN and DE7: the host runs a repeat it has not seen,
 * once, and answers any later copy from its books. An 0810 without DE90 refuses the inquiry itself (30, 63).
 */
import { declined, integrityFailure, neverReceived, ok, unknown, type Outcome } from '../../src/connector/outcome.js';
import type { FlowName, FlowRequest } from '../../src/connector/types.js';
import type { FieldMap } from '../../src/iso8583/index.js';
import type { LinkReply } from '../../src/iso8583/link/index.js';
import { classifyCode } from './codes.js';
import { CURRENCY_ALPHA } from './currency.js';
import { MappingError, originalData, printable, stanOf, transmissionOf, type MappingConfig } from './mapping.js';

/** DE70 of a status inquiry on the demo network. */
export const STATUS_INQUIRY_CODE = '370';
/** DE39 of an 0810 whose original the host never executed. */
export const NOT_FOUND = '25';
/** DE44 of an 0810 whose original was executed and has since been reversed. */
export const REVERSED_MARK = 'R';

export function buildInquiry(req: FlowRequest, cfg: MappingConfig, now: number): FieldMap {
  const o = req.original;
  if (!o) throw new MappingError('inquire needs the original request');
  return {
    '0': '0800',
    '7': transmissionOf(req.reference, now),
    '11': stanOf(req.reference),
    '32': cfg.acquirerId,
    '41': printable(cfg.terminalId, 8),
    '70': STATUS_INQUIRY_CODE,
    '90': originalData(o.flow, o.reference, cfg, now),
    '127': { '2': req.reference, '4': req.paymentId },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The outcome of the original, as the 0810 reports it, in the terms of the original's flow. */
export function readInquiryReply(about: FlowName, reply: LinkReply): Outcome {
  const code = str(reply.fields['39']);
  const evidence = { de39: code, mac: reply.integrity, inquiry: STATUS_INQUIRY_CODE };
  // An answer we cannot authenticate is handled like an unauthenticated reply: never an approval.
  if (reply.integrity === 'failed') return integrityFailure('inquiry reply failed its MAC check', evidence);
  // Without DE90 the host refused the inquiry itself (format, MAC): it said nothing about the original.
  if (reply.fields['90'] === undefined) return unknown(true, `inquiry refused by the host (${code === '' ? 'no DE39' : code})`);
  // Proof the original moved nothing; the engine may send it again as a repeat under its STAN.
  if (code === NOT_FOUND) return neverReceived('the host has no record of the original: it was never executed');
  if (str(reply.fields['44']).startsWith(REVERSED_MARK)) return unknown(true, 'the host executed the original and it has been reversed since');
  const c = classifyCode(code);
  if (c.class === 'declined') return declined(code, c.reason);
  if (c.class === 'unknown') return unknown(true, `${c.reason} (${code === '' ? 'no DE39' : code})`);
  const confirmed: { amount?: number; currency?: string } = {};
  if (about === 'authorize' || about === 'transfer') {
    const amt = str(reply.fields['4']);
    if (amt !== '') confirmed.amount = Number(amt);
    const cur = CURRENCY_ALPHA[str(reply.fields['49'])];
    if (cur !== undefined) confirmed.currency = cur;
  }
  const rrn = str(reply.fields['37']).trim();
  return ok({
    ...(rrn !== '' ? { bankReference: rrn } : {}),
    ...(Object.keys(confirmed).length > 0 ? { confirmed } : {}),
    integrity: reply.integrity,
    evidence,
  });
}
