/**
 * What a link request can end with, split by the only question that matters for money: could the
 * host have seen the request? `LinkNotSentError` is proof it did not; `LinkOutcomeUnknownError`
 * means it may have, and only an inquiry or a reversal can settle it.
 */

export type NotSentReason = 'not_ready' | 'duplicate_key' | 'closed' | 'encode_failed';

/** The request never left this process. */
export class LinkNotSentError extends Error {
  override readonly name = 'LinkNotSentError';
  constructor(
    readonly reason: NotSentReason,
    message: string,
  ) {
    super(message);
  }
}

export type UnknownReason = 'timeout' | 'link_lost' | 'closed';

/** The request was written to the socket and no usable reply came back. */
export class LinkOutcomeUnknownError extends Error {
  override readonly name = 'LinkOutcomeUnknownError';
  constructor(
    readonly reason: UnknownReason,
    message: string,
  ) {
    super(message);
  }
}
