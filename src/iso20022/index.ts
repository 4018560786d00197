/**
 * railyard/iso20022: Railyard's own ISO 20022 message library.
 *
 *   parse(xml)            -> { type: 'pacs.008.001.08', model, warnings }
 *   build(type, model)    -> XML, passed through the official XSD (and profile rules if asked)
 *   validate(xml)         -> XSD findings with line and path (never throws for a bad document)
 *   streamCamt053(source) -> statement entries one by one, in bounded memory (streamCamt for 052/054)
 *   streamPain002(source) -> group status, then each payment status and its transactions, one by one
 *
 * Amounts in every model are integer minor units with their currency; every other value is the
 * exact string of the message.
 */
export { build, buildTo, checkDocument, marketPractice, parse, parseAs, validate, type BuildOptions, type DocumentCheck, type ParseOutput, type ValidationResult } from './api.js';
export {
  buildableTypes,
  isBuildableType,
  isMessageType,
  messageTypes,
  type BuildableModels,
  type BuildableType,
  type CamtType,
  type MessageModels,
  type MessageType,
  type ParsedMessage,
} from './registry.js';
export {
  Iso20022BuildError,
  Iso20022Error,
  Iso20022ParseError,
  Iso20022RulesError,
  Iso20022SchemaError,
  Iso20022SizeError,
  Iso20022LimitError,
  Iso20022UnknownMessageError,
  type Finding,
} from './errors.js';
export {
  assertXsdValid,
  disableXsdGate,
  disposeXsdCache,
  enableXsdGate,
  setXsdDirectory,
  validateXsd,
  warmXsd,
  xsdDirectory,
  xsdDirectoryUsable,
  xsdGateOffReason,
  type XsdResult,
} from './xsd.js';
export { controlSum, type Amount } from './money.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ELEMENTS, type ParseXmlOptions } from './xml/parse.js';
export {
  pacs002Outcomes,
  pain002Outcomes,
  pain002TransactionOutcome,
  statusMeaning,
  TRANSACTION_STATUS_CODES,
  type OutcomeKind,
  type OutcomeOptions,
  type Pain001Original,
  type TransactionOutcome,
  type TransactionStatusCode,
} from './status.js';
export {
  checkRules,
  checkXmlRules,
  newMessageId,
  transliterateModel,
  transliterateSepa,
  ibanProblem,
  bicProblem,
  uetrProblem,
  type Profile,
} from './rules/index.js';
export { streamCamt053, streamCamt053File, type Camt053StreamEvent, type Camt053StreamOptions } from './camt053/index.js';
export { streamCamt, type CamtStreamEvent, type CamtStreamOptions } from './camt/stream.js';
export { collectPain002, streamPain002, streamPain002File, type Pain002StreamEvent, type Pain002StreamOptions } from './pain002/stream.js';
export type * from './common/types.js';
export type * from './common/status-types.js';
export type { Assignment, IdentificationInformation, PartyOrAgent } from './common/assignment.js';
export type * from './camt/model.js';
export type { Pain001v09, Pain001v09Payment, Pain001v09Transaction } from './pain001/v09/model.js';
export type { Pain002v10, Pain002v10Payment } from './pain002/v10/model.js';
export type { Pacs008v08, Pacs008v08Transaction, AgentInstruction } from './pacs008/v08/model.js';
export type { Pacs002v10, Pacs002v10Transaction } from './pacs002/v10/model.js';
export type { Pacs028v03, Pacs028v03Transaction } from './pacs028/v03/model.js';
export type { Acmt023v03 } from './acmt023/v03/model.js';
export type { Acmt024v03, Acmt024v03Report } from './acmt024/v03/model.js';
export type { Pacs004v09, Pacs004v09Transaction } from './pacs004/v09/model.js';
export type { Camt055v08, Camt055v08Payment, Camt055v08Transaction, Camt055v08Underlying } from './camt055/v08/model.js';
export type { Camt056v08, Camt056v08Transaction, Camt056v08Underlying } from './camt056/v08/model.js';
export type { Camt029v09, Camt029v09CancellationDetails, Camt029v09Transaction } from './camt029/v09/model.js';
export type { Head001v02, HeaderParty } from './head001/v02/model.js';
export type { Case, CaseAssignment, ControlData, OriginalGroupCancellation, OriginalGroupReference } from './common/case.js';
export type { SettlementInstruction } from './common/settlement.js';
