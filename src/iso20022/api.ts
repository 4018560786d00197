import { detect } from './detect.js';
import { Iso20022BuildError, Iso20022Error, Iso20022LimitError, Iso20022ParseError, Iso20022RulesError, Iso20022SizeError, type Finding } from './errors.js';
import { checkRules, checkXmlRules, transliterateModel, type Profile } from './rules/index.js';
import {
  isBuildableType,
  isMessageType,
  parsers,
  serializers,
  type BuildableModels,
  type BuildableType,
  type MessageModels,
  type MessageType,
  type ParsedMessage,
} from './registry.js';
import type { Head001v02 } from './head001/v02/model.js';
import { parseHead001v02 } from './head001/v02/parse.js';
import { assertXsdValid, validateXsd } from './xsd.js';
import { parseXml, type ParseXmlOptions } from './xml/parse.js';
import { Reader } from './xml/reader.js';
import { writeTo } from './xml/writer.js';

export type ParseOutput = ParsedMessage & {
  warnings: Finding[];
  /** The business application header that came with the Document, if any. */
  appHeader?: Head001v02;
};

/**
 * Parses any supported message. The type comes from the document itself; pass `expect` to refuse
 * anything else. Amounts become integer minor units, every other value stays the message's string.
 */
export function parse(xml: string, options: ParseXmlOptions & { expect?: MessageType } = {}): ParseOutput {
  const root = parseXml(xml, options);
  const d = detect(root, isMessageType);
  const type = d.messageType;
  if (!isMessageType(type)) throw new Iso20022ParseError('unexpected_message', `unsupported message ${type}`, d.documentPath);
  if (options.expect !== undefined && options.expect !== type) {
    throw new Iso20022ParseError('unexpected_message', `expected ${options.expect}, got ${type}`, d.documentPath);
  }
  if (!d.document) throw new Iso20022ParseError('missing_element', 'no Document element', root.name);
  const reader = new Reader(d.document, d.documentPath);
  const model = (parsers[type] as (r: Reader) => unknown)(reader);
  let appHeader: Head001v02 | undefined;
  if (d.appHdr) {
    try {
      appHeader = parseHead001v02(new Reader(d.appHdr, d.appHdrPath));
    } catch (e) {
      // A malformed header does not make the payment unreadable; say so and carry on.
      if (!(e instanceof Iso20022ParseError)) throw e;
      d.warnings.push({ severity: 'warning', code: 'app_header_unreadable', message: e.message, path: e.path });
    }
  }
  return { type, model, warnings: d.warnings, ...(appHeader ? { appHeader } : {}) } as ParseOutput;
}

/** Parses and narrows to one message type in one go. */
export function parseAs<T extends MessageType>(type: T, xml: string, options: ParseXmlOptions = {}): MessageModels[T] {
  return parse(xml, { ...options, expect: type }).model as MessageModels[T];
}

export interface BuildOptions {
  /** Run the outbound XSD gate (default true). Only tests that need invalid output turn it off. */
  xsd?: boolean;
  /**
   * The rules beyond the XSD for this profile (default `generic`: rules are always on); errors
   * throw `Iso20022RulesError`.
   */
  profile?: Profile;
  /** SEPA only: transliterate text into the EPC set first (default true). */
  transliterate?: boolean;
}

/** Model -> XML, then the XSD gate: an invalid document is never returned. */
export function build<T extends BuildableType>(type: T, model: BuildableModels[T], options: BuildOptions = {}): string {
  if (!isBuildableType(type)) throw new Iso20022BuildError('unknown_message', `cannot build "${String(type)}"`, '');
  if (typeof model !== 'object' || model === null) throw new Iso20022BuildError('missing_value', 'the model must be an object', '');
  const xml = serializeChecked(type, model, options);
  if (options.xsd !== false) assertXsdValid(xml, type);
  return xml;
}

/** Profile rules on the model, serialisation, then the always-on rules on the XML it became. */
function serializeChecked<T extends BuildableType>(type: T, model: BuildableModels[T], options: BuildOptions): string {
  const profile = options.profile ?? 'generic';
  let m = model;
  if (profile === 'sepa' && options.transliterate !== false) m = transliterateModel(m);
  // The serializer refuses what cannot be written (amounts, totals) with the element path first.
  const xml = (serializers[type] as (x: BuildableModels[T]) => string)(m);
  // Element-level rules (every identifier the XSDs declare, date-times, currency decimals, totals)
  // on what is about to leave: the same check `validate` makes, so nothing is sent that it refuses.
  const xmlErrors = checkXmlRules(xml);
  if (xmlErrors.length > 0) throw new Iso20022RulesError(xmlErrors);
  // Then what only the profile knows (SEPA charset and limits, CBPR+ shape, addresses).
  const errors = checkRules(type, m, profile).filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Iso20022RulesError(errors);
  return xml;
}

/**
 * `build` for large documents: the XML goes to `sink` in ~64 kB pieces, in order, and is never
 * held whole (write them to a file or a socket as they come). Profile rules apply as in `build`;
 * the XSD gate cannot (it needs the whole document): validate the written file when it matters.
 */
export function buildTo<T extends BuildableType>(
  type: T,
  model: BuildableModels[T],
  sink: (piece: string) => void,
  options: Omit<BuildOptions, 'xsd'> = {},
): void {
  writeTo(sink, () => build(type, model, { ...options, xsd: false }));
}

export interface ValidationResult {
  messageType: string;
  valid: boolean;
  findings: Finding[];
}

/** Inbound check against the official XSD: returns findings, never throws for a bad document. */
export function validate(xml: string, messageType?: string): ValidationResult {
  return validateXsd(xml, messageType);
}

/** The profile a message's own market practice names: CBPR+ by its AppHdr, SEPA by its service level. */
export function marketPractice(xml: string): Profile | undefined {
  if (/<(?:[\w.-]+:)?BizSvc>\s*swift\.cbprplus/i.test(xml)) return 'cbpr';
  if (/<(?:[\w.-]+:)?SvcLvl>\s*<(?:[\w.-]+:)?Cd>\s*SEPA\s*</.test(xml)) return 'sepa';
  return undefined;
}

export interface DocumentCheck extends ValidationResult {
  /** The profile the rules ran under: the one asked for, else the message's market practice, else `generic`. */
  profile: Profile;
}

/** Codes `checkXmlRules` reports with line and path: the model-level pass is not asked for them twice. */
const ELEMENT_RULE_CODES = new Set(['invalid_identifier', 'invalid_datetime', 'invalid_iban', 'invalid_bic', 'invalid_uetr', 'inconsistent_totals', 'invalid_amount']);

/**
 * Everything `railyard iso20022 validate` says about a file: XSD findings, the always-on rules on
 * the XML (line and path), what the parser refuses, and the profile's own rules on the model
 * (these name the model path, e.g. `paymentInformation[0].chargeBearer`). Never throws for a bad
 * document; `valid` is false on any error.
 */
export function checkDocument(xml: string, options: { profile?: Profile; messageType?: string } = {}): DocumentCheck {
  const profile = options.profile ?? marketPractice(xml) ?? 'generic';
  const xsd = validateXsd(xml, options.messageType);
  const findings: Finding[] = [...xsd.findings, ...checkXmlRules(xml)];
  let messageType = xsd.messageType;
  try {
    const parsed = parse(xml);
    messageType ||= parsed.type;
    findings.push(...parsed.warnings);
    findings.push(...checkRules(parsed.type, parsed.model, profile).filter((f) => !ELEMENT_RULE_CODES.has(f.code)));
  } catch (e) {
    if (!(e instanceof Iso20022Error)) throw e;
    // A file `parse` refuses is never "valid": when nothing above explains why, the parser's reason is the finding.
    // A limit (depth, count, size) is always named: it says why nothing further was read.
    if (e instanceof Iso20022LimitError || e instanceof Iso20022SizeError || !findings.some((f) => f.severity === 'error')) {
      findings.push({ severity: 'error', code: e.code, message: e.message, path: e.path });
    }
  }
  return { messageType, profile, valid: !findings.some((f) => f.severity === 'error'), findings };
}
