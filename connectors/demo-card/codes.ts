/**
 * DE39 response codes of the demo card network (ISO 8583:1987 meanings). Only `00` approves.
 * A code not listed here is `unknown`: never an approval, never a final decline, so the engine
 * reverses rather than guessing.
 */
export type CodeClass = 'approved' | 'declined' | 'unknown';

export interface CodeEntry {
  class: CodeClass;
  reason: string;
}

export const DE39: Readonly<Record<string, CodeEntry>> = Object.freeze({
  '00': { class: 'approved', reason: 'Approved' },
  '01': { class: 'declined', reason: 'Refer to card issuer' },
  '03': { class: 'declined', reason: 'Invalid merchant' },
  '04': { class: 'declined', reason: 'Pick up card' },
  '05': { class: 'declined', reason: 'Do not honour' },
  '12': { class: 'declined', reason: 'Invalid transaction' },
  '13': { class: 'declined', reason: 'Invalid amount' },
  '14': { class: 'declined', reason: 'Invalid card number' },
  '15': { class: 'declined', reason: 'No such issuer' },
  // 25: the host has no record of the original; for a reversal that means nothing to undo.
  '25': { class: 'declined', reason: 'Unable to locate record' },
  '30': { class: 'declined', reason: 'Format error' },
  '41': { class: 'declined', reason: 'Lost card' },
  '43': { class: 'declined', reason: 'Stolen card' },
  '51': { class: 'declined', reason: 'Insufficient funds' },
  '54': { class: 'declined', reason: 'Expired card' },
  '55': { class: 'declined', reason: 'Incorrect PIN' },
  '57': { class: 'declined', reason: 'Transaction not permitted to cardholder' },
  '58': { class: 'declined', reason: 'Transaction not permitted to terminal' },
  '61': { class: 'declined', reason: 'Exceeds withdrawal amount limit' },
  '62': { class: 'declined', reason: 'Restricted card' },
  '63': { class: 'declined', reason: 'Security violation' },
  '65': { class: 'declined', reason: 'Exceeds withdrawal frequency limit' },
  '75': { class: 'declined', reason: 'PIN tries exceeded' },
  // The host could not say what happened: treat as unknown and let the reversal settle it.
  '91': { class: 'unknown', reason: 'Issuer or switch inoperative' },
  '96': { class: 'unknown', reason: 'System malfunction' },
});

export function classifyCode(code: string): CodeEntry {
  return DE39[code] ?? { class: 'unknown', reason: 'Unknown response code' };
}
