export { IsoLink, backoffDelay, transmissionTime, type LinkOptions, type LinkReply, type LinkState, type Integrity, type UnmatchedReply } from './link.js';
export { IsoHostClient, type Endpoint, type HostClientOptions } from './client.js';
export { LinkNotSentError, LinkOutcomeUnknownError, type NotSentReason, type UnknownReason } from './errors.js';
export {
  FrameDecoder,
  FrameError,
  encodeFrame,
  replyTpdu,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_TPDU,
  TPDU_BYTES,
  type Frame,
  type FramingOptions,
  type LengthHeader,
} from './framing.js';
export { matchKey, requestMtiOf, isResponseMti, keyFields, InFlightTable, DuplicateInFlightError, DEFAULT_MATCH_FIELDS, type MatchKeyRules } from './matcher.js';
