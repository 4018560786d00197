/** The card test values of ARCHITECTURE.md, as the simulated host applies them. */
import { TEST_CARDS } from '../../src/connector/test-values.js';
import { luhnValid } from '../../src/domain/payment-method.js';

/** The host applies the shared table; the alias keeps the host's own name for it. */
export const HOST_TEST_CARDS = TEST_CARDS;

/** What the host does with a card request: the response code, and how it answers. */
export interface CardDecision {
  code: string;
  answer: 'normal' | 'never' | 'late' | 'bad_mac';
}

/** Verification (0100 with amount 0): only the do-not-honour card is refused. */
export function decideVerify(pan: string): CardDecision {
  if (!luhnValid(pan)) return { code: '14', answer: 'normal' };
  if (pan === HOST_TEST_CARDS.declinedDoNotHonour) return { code: '05', answer: 'normal' };
  return { code: '00', answer: 'normal' };
}

/** Authorisation (0100 with an amount). */
export function decideAuthorize(pan: string): CardDecision {
  if (!luhnValid(pan)) return { code: '14', answer: 'normal' };
  switch (pan) {
    case HOST_TEST_CARDS.declinedDoNotHonour:
      return { code: '05', answer: 'normal' };
    case HOST_TEST_CARDS.declinedInsufficientFunds:
      return { code: '51', answer: 'normal' };
    case HOST_TEST_CARDS.noReply:
      return { code: '00', answer: 'never' };
    case HOST_TEST_CARDS.lateReply:
      return { code: '00', answer: 'late' };
    case HOST_TEST_CARDS.badMac:
      return { code: '00', answer: 'bad_mac' };
    default:
      return { code: '00', answer: 'normal' };
  }
}
