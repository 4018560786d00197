import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { declined, integrityFailure, neverReceived, notSent, unknown, type Outcome } from '../../src/connector/outcome.js';
import { defineConnector, type Connector, type ConnectorEnv, type FlowContext, type FlowRequest, type InboundResult } from '../../src/connector/types.js';
import {
  build,
  Iso20022Error,
  Iso20022RulesError,
  newMessageId,
  parseAs,
  type BuildableModels,
  type BuildableType,
  type MessageModels,
  type MessageType,
  type Profile,
  xsdDirectory,
  warmXsd,
  xsdGateOffReason,
} from '../../src/iso20022/index.js';
import { createHttpTransport, type BankTransport } from '../../src/iso20022/transport/index.js';
import { loadCertificates, loadCredential } from '../../src/trust/keys.js';
import { EnvelopedReplyOpener, envelopingSigner } from './enveloped.js';
import { ReplyVerifier, requestSigner, withEvidence, type ReplyCheck } from './evidence.js';
import { schemaEvidence, withFindings } from './findings.js';
import { readInbound } from './inbound.js';
import { UnmatchedReports, type KeptUnmatched } from './unmatched.js';
import {
  bankAccountOf,
  fromAcmt024,
  fromCamt029,
  fromPacs002,
  fromPain002,
  toAcmt023,
  toCamt055,
  toCamt056,
  toPacs004,
  toPacs008,
  toPacs028,
  toPain001,
  toRefundPain001,
  type MessageContext,
} from './mapping.js';

import { readSettings, type DemoSepaSettings } from './settings.js';

export { REASON_CODES, outcomeForReason } from './codes.js';
export { readSettings, settingsSchema, DemoSepaSettingsError, type DemoSepaSettings, type SignatureMode } from './settings.js';
export { readInbound, reportsFromInbound, type UnmatchedReport } from './inbound.js';
export { UNMATCHED_KEPT, type KeptUnmatched } from './unmatched.js';

/** Where each request goes on the bank's API (mocks/iso20022-bank serves the same paths). */
/** Every message this connector emits passes the XSD gate first: their schemas must be there. */
const EMITTED: readonly BuildableType[] = ['acmt.023.001.03', 'pain.001.001.09', 'pacs.008.001.08', 'pacs.028.001.03', 'camt.055.001.08', 'camt.056.001.08', 'pacs.004.001.09'];

const PATHS = {
  verify: '/verifications',
  transfer: '/payments',
  inquire: '/status-requests',
  reverse: '/cancellations',
  refund: '/returns',
} as const;

export interface DemoSepaConnector extends Connector {
  settings: DemoSepaSettings;
  /** Pushed reports that named no transaction we know, newest last (at most `UNMATCHED_KEPT`). */
  unmatchedReports(): KeptUnmatched[];
}

/** The registry's factory: the HTTP transport to the bank named in the settings. */
export function createDemoSepaConnector(env: ConnectorEnv): DemoSepaConnector {
  const settings = readSettings(env.settings);
  // Loaded (and checked: validity, key usage, key match) at start, so a bad file stops start-up.
  const signer = settings.signing ? loadCredential(settings.signing.certificate, settings.signing.privateKey, { purpose: 'sign' }) : undefined;
  const transport = createHttpTransport({
    baseUrl: settings.baseUrl,
    timeoutMs: settings.requestTimeoutMs,
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.headers ? { headers: settings.headers } : {}),
    ...(signer ? { sign: settings.signatureMode === 'enveloped' ? envelopingSigner(signer) : requestSigner(signer) } : {}),
  });
  return demoSepaConnector(env, transport, settings);
}

/**
 * `demo-sepa`: bank accounts over an ISO 20022 bank API. Verification of payee by acmt.023,
 * transfer by pain.001 (or pacs.008), status by pacs.028 or pushed pain.002/pacs.002, cancellation
 * of a late approval by camt.055 (camt.056 for pacs.008), refunds by pacs.004 returns or by a
 * pain.001 credit transfer back. Every inbound message is checked against its XSD; findings go to
 * the timeline with the outcome, and a readable message is applied even when it breaks the schema.
 */
export function demoSepaConnector(env: ConnectorEnv, transport: BankTransport, settings: DemoSepaSettings = readSettings(env.settings)): DemoSepaConnector {
  const ctx = (): MessageContext => ({ messageId: newMessageId(), now: env.clock.now() });
  const unmatched = new UnmatchedReports(settings.id, env);
  const bankCertificates = settings.bankCertificates ? loadCertificates(settings.bankCertificates) : undefined;
  const enveloped = settings.signatureMode === 'enveloped' && bankCertificates ? new EnvelopedReplyOpener(bankCertificates) : undefined;
  const replies = !enveloped && bankCertificates ? new ReplyVerifier(bankCertificates) : undefined;

  /**
   * The XML to read from a bank reply or push (`bytes` as received, `text` the caller's reading of
   * them, kept as the detached path always read them), and what its signature check said (none
   * when signatures are off). An enveloped message is verified before anything in it is parsed.
   */
  const openBankMessage = async (bytes: Uint8Array, text: string, headers: Record<string, string>): Promise<{ xml: string | null; check?: ReplyCheck }> => {
    if (enveloped) return enveloped.open(bytes);
    return replies ? { xml: text, check: await replies.check(text, headers) } : { xml: text };
  };

  /** Builds (rules + XSD gate), sends once, reads the reply into one outcome; never throws. */
  async function exchange<T extends BuildableType, R extends MessageType>(
    path: string,
    type: T,
    model: BuildableModels[T],
    profile: Profile,
    replyType: R,
    read: (reply: MessageModels[R]) => Outcome,
    signal: AbortSignal,
  ): Promise<Outcome> {
    let xml: string;
    try {
      xml = build(type, model, { profile, xsd: settings.xsd });
    } catch (err) {
      // Findings name model paths, never values: no account data leaves through the reason.
      // Nothing was sent, and sending again would fail the same way: a decline, not a retry.
      if (err instanceof Iso20022RulesError) return declined('invalid_request', `the payment cannot be sent as ${type}: ${err.findings.map((f) => `${f.path} ${f.code}`).join(', ')}`);
      if (err instanceof Iso20022Error) return declined('invalid_request', `the payment cannot be sent as ${type}: ${err.code} at ${err.path}`);
      return notSent(`${type} could not be built`);
    }
    const r = await transport.send({ path, body: xml, signal });
    if (r.kind === 'not_sent') return notSent(r.reason);
    if (r.kind === 'unknown') return unknown(true, r.reason);
    if (r.status === 408 || r.status === 429 || r.status >= 500) return unknown(true, `bank answered HTTP ${r.status}`);
    if (r.status >= 400) return declined(r.status === 400 || r.status === 422 ? 'FF01' : `http_${r.status}`, `the bank refused the request (HTTP ${r.status})`);
    const { xml: replyXml, check } = await openBankMessage(r.raw ?? Buffer.from(r.body, 'utf8'), r.body, r.headers);
    if (replyXml === null) {
      // an enveloped reply whose signature does not verify is not opened: no answer, integrity failed
      if (check && !check.ok) return integrityFailure(`unreadable ${replyType} reply: ${check.reason}`);
      return unknown(true, `unreadable ${replyType} reply: no content`);
    }
    let outcome: Outcome;
    try {
      outcome = read(parseAs(replyType, replyXml));
    } catch (err) {
      return unknown(true, `unreadable ${replyType} reply: ${err instanceof Iso20022Error ? err.code : 'not XML'}`);
    }
    if (check) outcome = withEvidence(outcome, check);
    // Findings last: whatever the signature check made of the outcome, they go with it.
    return withFindings(outcome, schemaEvidence(replyXml, replyType, settings.inboundFindings));
  }

  const accountOr = (req: FlowRequest) => bankAccountOf(req);
  const noAccount = (): Outcome => declined('unsupported_method', 'demo-sepa moves bank accounts only');

  const verify = (req: FlowRequest, signal: AbortSignal): Promise<Outcome> => {
    const account = accountOr(req);
    if (!account) return Promise.resolve(noAccount());
    return exchange(PATHS.verify, 'acmt.023.001.03', toAcmt023(req, account, settings.parties, ctx()), 'sepa', 'acmt.024.001.03', (m) => fromAcmt024(m, req.reference), signal);
  };

  const transfer = (req: FlowRequest, signal: AbortSignal): Promise<Outcome> => {
    const account = accountOr(req);
    if (!account) return Promise.resolve(noAccount());
    // The reply is read with the message it answers, so a group- or payment-level status speaks for our transaction.
    if (settings.transferMessage === 'pacs.008') {
      const model = toPacs008(req, account, settings.parties, { ...ctx(), uetr: randomUUID() });
      return exchange(PATHS.transfer, 'pacs.008.001.08', model, 'sepa', 'pacs.002.001.10', (m) => fromPacs002(m, { endToEndId: req.reference }, 'transfer', model), signal);
    }
    const model = toPain001(req, account, settings.parties, ctx());
    return exchange(PATHS.transfer, 'pain.001.001.09', model, 'sepa', 'pain.002.001.10', (m) => fromPain002(m, req.reference, 'transfer', model), signal);
  };

  /**
   * RJCT NOOR in a status report about our own request: the bank never received it, which proves
   * nothing moved and lets the engine send it again under the same EndToEndId (the bank answers a
   * second copy from its books). Only here: in any other reply NOOR is an ordinary rejection.
   */
  const neverReceivedIfNoor = (o: Outcome): Outcome =>
    o.kind === 'declined' && o.code === 'NOOR' ? neverReceived(`${o.reason} (NOOR)`) : o;

  const inquire = (req: FlowRequest, signal: AbortSignal): Promise<Outcome> => {
    const about = req.original;
    if (!about) return Promise.resolve(unknown(false, 'an inquiry needs the original request'));
    // A verification moves no money: asking again is the inquiry (a fresh acmt.023 under this reference).
    if (about.flow === 'verify') return verify(req, signal);
    if (about.flow !== 'transfer' && about.flow !== 'refund') return Promise.resolve(unknown(false, `the bank has no status for ${about.flow} requests`));
    // A refund sent as a credit transfer is asked about by its EndToEndId, as a transfer is; a return by its RtrId.
    const byEndToEnd = about.flow === 'transfer' || settings.refundMessage === 'pain.001';
    const match = byEndToEnd ? { endToEndId: about.reference } : { transactionId: about.reference };
    const model = toPacs028(req, { flow: byEndToEnd ? 'transfer' : 'refund', reference: about.reference }, ctx());
    return exchange(PATHS.inquire, 'pacs.028.001.03', model, 'generic', 'pacs.002.001.10', (m) => neverReceivedIfNoor(fromPacs002(m, match, about.flow)), signal);
  };

  // A pain.001 the customer (we) sent is cancelled with the customer's request, camt.055; camt.056
  // is the interbank request and belongs with the pacs.008 we send in the FI-to-FI profile.
  const reverse = (req: FlowRequest, signal: AbortSignal): Promise<Outcome> => {
    if (!req.original) return Promise.resolve(unknown(false, 'a cancellation needs the original transfer'));
    const read = (m: MessageModels['camt.029.001.09']) => fromCamt029(m, req.reference);
    if (settings.transferMessage === 'pain.001') {
      const model = toCamt055(req, req.original.reference, settings.parties, ctx());
      return exchange(PATHS.reverse, 'camt.055.001.08', model, 'generic', 'camt.029.001.09', read, signal);
    }
    const model = toCamt056(req, req.original.reference, settings.parties, ctx());
    return exchange(PATHS.reverse, 'camt.056.001.08', model, 'generic', 'camt.029.001.09', read, signal);
  };

  const refund = (req: FlowRequest, signal: AbortSignal): Promise<Outcome> => {
    if (!req.original) return Promise.resolve(declined('NOOR', 'no transfer to return'));
    if (settings.refundMessage === 'pain.001') {
      const account = accountOr(req);
      if (!account) return Promise.resolve(noAccount());
      // A credit transfer like any other: to the payments resource, its status reported like a transfer's.
      const model = toRefundPain001(req, account, req.original.reference, settings.parties, ctx());
      return exchange(PATHS.transfer, 'pain.001.001.09', model, 'sepa', 'pain.002.001.10', (m) => fromPain002(m, req.reference, 'refund', model), signal);
    }
    const model = toPacs004(req, req.original.reference, ctx());
    return exchange(PATHS.refund, 'pacs.004.001.09', model, 'generic', 'pacs.002.001.10', (m) => fromPacs002(m, { transactionId: req.reference }, 'refund'), signal);
  };

  const inbound = async (req: { body: Uint8Array; headers: Record<string, string> }): Promise<InboundResult> => {
    try {
      // A pushed status is bank evidence like a reply: checked the same way when signatures are on.
      const { xml, check } = await openBankMessage(req.body, new TextDecoder().decode(req.body), req.headers);
      // With bank certificates configured a push must prove it comes from the bank: an unsigned
      // or badly signed one is refused whole, before anything in it is read.
      if (xml === null) throw new Error(check && !check.ok ? check.reason : 'no content');
      if (check && !check.ok) return { reports: [], response: { status: 401, contentType: 'text/plain; charset=utf-8', body: `${check.reason}\n` } };
      const reading = readInbound(xml);
      if (reading.unmatched) {
        // Not dropped and not "accepted 0": kept where operators look, and the bank is told it was not applied.
        unmatched.keep(reading.unmatched, check ? check.ok : undefined);
        return { reports: [], response: { status: 202, contentType: 'text/plain; charset=utf-8', body: 'kept 1 status report that names no known transaction (unmatched)\n' } };
      }
      let reports = reading.reports;
      if (check) reports = reports.map((r) => ({ ...r, outcome: withEvidence(r.outcome, check) }));
      // Read, so applied even if it breaks the schema; what it breaks goes to each payment's timeline.
      const findings = reports.length > 0 ? schemaEvidence(xml, undefined, settings.inboundFindings) : undefined;
      reports = reports.map((r) => ({ ...r, outcome: withFindings(r.outcome, findings) }));
      return { reports, response: { status: 200, contentType: 'text/plain; charset=utf-8', body: `accepted ${reports.length} status report(s)\n` } };
    } catch (err) {
      const what = err instanceof Error ? err.message : 'unreadable';
      return { reports: [], response: { status: 400, contentType: 'text/plain; charset=utf-8', body: `${what}\n` } };
    }
  };

  const call = (fn: (req: FlowRequest, signal: AbortSignal) => Promise<Outcome>) => (req: FlowRequest, c: FlowContext) => fn(req, c.signal);

  const connector = defineConnector({
    id: settings.id,
    rail: 'iso20022',
    // pushes are checked against the bank's certificates when configured; without them nothing is
    inboundAuth: bankCertificates ? 'signature' : 'none',
    capabilities: {
      flows: ['verify', 'transfer', 'inquire', 'reverse', 'refund', 'inbound'],
      methods: { bank_account: { verify: true, authorize: false, inquiry: true, transfer: 'async' } },
      currencies: ['EUR'],
      refunds: { partial: true, windowDays: 90 },
      callTimeoutMs: settings.callTimeoutMs,
    },
    flows: {
      verify: call(verify),
      transfer: call(transfer),
      inquire: call(inquire),
      reverse: call(reverse),
      refund: call(refund),
      inbound,
    },
    // Without the schemas every send would fail; say so at start, not in the middle of a payment.
    start: async () => {
      // Off in a sandbox that runs without schemas (it said so at start).
      if (!settings.xsd || xsdGateOffReason() !== undefined) return;
      const missing = EMITTED.filter((t) => !existsSync(join(xsdDirectory(), `${t}.xsd`)));
      if (missing.length > 0) {
        throw new Error(`demo-sepa: no XSD for ${missing.join(', ')} in ${xsdDirectory()} (set RAILYARD_ISO20022_XSD_DIR, or xsd: false to send unchecked)`);
      }
      warmXsd(EMITTED);
    },
    stop: () => transport.close(),
    // Reports whose reference the engine could not find: kept and announced like those naming nothing.
    unmatched: (reports) => {
      for (const r of reports) unmatched.keep({ messageType: `${r.flow} status report`, reference: r.reference }, undefined);
    },
    // The link itself is fine when reports go unmatched (readiness must not fail over it); the detail says so.
    health: () => Promise.resolve({ ok: true, ...(unmatched.count > 0 ? { detail: unmatched.detail() } : {}) }),
  });
  return Object.assign(connector, { settings, unmatchedReports: () => unmatched.list() });
}
