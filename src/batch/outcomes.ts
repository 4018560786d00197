import { declined, notSent, ok, pending, type Outcome } from '../connector/outcome.js';
import type { BatchItem } from './records.js';

/**
 * What the engine is told about a batch item. Everything before the bank's final word is
 * `pending` (a file can sit at the bank for days); only the bank's status report settles it, and
 * `not_sent` is said only when no attempt could have delivered the file.
 */
export function itemOutcome(item: BatchItem): Outcome {
  switch (item.status) {
    case 'accepted':
      return ok({
        ...(item.messageId ? { bankReference: `${item.messageId}/${item.endToEndId}` } : {}),
        confirmed: { amount: item.amount, currency: item.currency },
      });
    case 'rejected':
      return declined(item.reasonCode ?? 'RJCT', item.reason ?? 'the bank rejected the transfer');
    case 'not_sent':
      return notSent(item.reason ?? 'the file could not be delivered to the bank');
    default:
      return pending(item.messageId ?? undefined);
  }
}
