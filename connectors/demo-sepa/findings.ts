import type { Outcome } from '../../src/connector/outcome.js';
import { validate } from '../../src/iso20022/index.js';

/**
 * Inbound XSD findings as timeline evidence. Banks do send files that break the schema and are
 * still worth reading, so a finding never refuses a message: it travels with the outcome the
 * message produced (the engine keeps the whole outcome in the payment's timeline), where an
 * operator can see what the bank got wrong, with line and path.
 */

export const DEFAULT_MAX_FINDINGS = 5;

export interface FindingsOptions {
  /** Validate inbound messages at all (default true). */
  enabled: boolean;
  /** At most this many findings are kept per message; the total is recorded beside them. */
  max: number;
}

/**
 * Schema messages quote the offending value (`The value 'DE89…' is not accepted by the
 * pattern`). A bank's message carries account numbers and names, and evidence must be masked
 * before it is stored: the value is dropped, the element, facet and path say enough.
 */
export function maskValues(message: string): string {
  return message
    .replace(/The value '[^']*'/g, "The value '…'")
    .replace(/'[^']*'(?= is not (?:a valid value|accepted|an element))/g, "'…'");
}

/** Evidence for one inbound document, or undefined when it is schema-valid (nothing to record). */
export function schemaEvidence(xml: string, messageType: string | undefined, opts: FindingsOptions): Record<string, string> | undefined {
  if (!opts.enabled) return undefined;
  let r: ReturnType<typeof validate>;
  try {
    r = validate(xml, messageType);
  } catch {
    // The schema engine itself failed (not the message): the message is still applied, unchecked.
    return { xsd: 'unchecked' };
  }
  if (r.findings.length === 0) return undefined;
  const unchecked = r.findings.every((f) => f.code === 'no_schema');
  const kept = r.findings.slice(0, Math.max(0, opts.max)).map((f) => ({
    ...(f.line !== undefined ? { line: f.line } : {}),
    path: f.path,
    message: maskValues(f.message),
  }));
  return {
    xsd: unchecked ? 'unchecked' : r.valid ? 'valid_with_warnings' : 'invalid',
    ...(r.messageType ? { xsd_message_type: r.messageType } : {}),
    xsd_findings_total: String(r.findings.length),
    xsd_findings: JSON.stringify(kept),
  };
}

/**
 * The outcome with the findings added to its evidence. Any outcome kind may carry them: the
 * timeline records the outcome as it is, so a pending or declined status from a schema-breaking
 * report shows its findings too (only `ok` evidence is also forwarded in webhooks).
 */
export function withFindings(outcome: Outcome, evidence: Record<string, string> | undefined): Outcome {
  if (!evidence) return outcome;
  const earlier = outcome.kind === 'ok' ? outcome.evidence : undefined;
  return Object.assign({}, outcome, { evidence: { ...earlier, ...evidence } });
}
