import { notSent, unknown, type Outcome } from '../../src/connector/outcome.js';
import { defineConnector, type Connector, type ConnectorEnv, type FlowName, type FlowRequest } from '../../src/connector/types.js';
import { loadDialect, type Dialect, type FieldMap } from '../../src/iso8583/index.js';
import { IsoHostClient, LinkNotSentError, LinkOutcomeUnknownError, matchKey, type UnmatchedReply } from '../../src/iso8583/link/index.js';
import { createDialectMac, MacError, type MessageMac } from '../../src/iso8583/mac.js';
import { buildInquiry, readInquiryReply } from './inquiry.js';
import { buildRequest, MappingError, readReply, type CardFlow, type MappingConfig } from './mapping.js';
import { DEMO_NETWORK_KEY_NAME, DEMO_NETWORK_MAC, DemoCardSettingsError, readSettings, type DemoCardSettings } from './settings.js';

export { DE39, classifyCode } from './codes.js';
export { stanOf, transmissionOf, buildRequest, readReply } from './mapping.js';
export { readSettings, settingsSchema, DEMO_NETWORK_MAC, DEMO_NETWORK_KEY_NAME } from './settings.js';
export { buildInquiry, readInquiryReply, STATUS_INQUIRY_CODE } from './inquiry.js';

export interface DemoCardConnector extends Connector {
  /** The links to the host (state, failover, drop). */
  client: IsoHostClient;
}

/** Bounded insertion-ordered map: remembers the newest `cap` entries. */
class Recent<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly cap: number) {}
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.cap) {
      const first = this.m.keys().next();
      if (!first.done) this.m.delete(first.value);
    }
  }
  get(k: string): V | undefined {
    return this.m.get(k);
  }
}

/**
 * The link's MAC: the dialect's spec with its key from `settings.macKeys` (the demo network's
 * published key when the dialect names it and nothing else is configured), or `settings.mac`.
 */
function linkMac(s: DemoCardSettings, dialect: Dialect, sandbox: boolean): MessageMac | undefined {
  if (s.mac === false) return undefined;
  // The demo network's key is public: outside the sandbox it is never a fallback, so a missing
  // key stops the start naming it instead of MACing production traffic with a published key.
  if (!sandbox) {
    const spec = dialect.definition.mac as { key?: unknown } | undefined;
    const needed = typeof spec?.key === 'string' ? spec.key : undefined;
    if (s.mac === undefined && !spec) throw new DemoCardSettingsError('settings.mac: required outside the sandbox (a MAC algorithm and key, or false for no MAC); the demo network key is for the sandbox only');
    if (s.mac === undefined && needed !== undefined && s.macKeys[needed] === undefined) {
      throw new DemoCardSettingsError(`settings.macKeys.${needed}: the MAC key "${needed}" is required outside the sandbox; the demo network key is for the sandbox only`);
    }
  }
  const keys = sandbox ? { [DEMO_NETWORK_KEY_NAME]: DEMO_NETWORK_MAC.keyHex, ...s.macKeys } : { ...s.macKeys };
  try {
    return createDialectMac(dialect, keys, s.mac ?? (dialect.definition.mac ? undefined : DEMO_NETWORK_MAC));
  } catch (err) {
    if (err instanceof MacError) throw new DemoCardSettingsError(`settings.macKeys / settings.mac: ${err.message}`);
    throw err;
  }
}

interface Sent {
  flow: CardFlow;
  reference: string;
  transmission: string;
}

/**
 * `demo-card`: cards over ISO 8583 (demo-card dialect) to mocks/iso8583-host. Verification is an
 * 0100 for amount 0; then either an 0100 authorisation and an 0220 completion (`dual`), or one
 * 0200 financial request (`single`); the refund an 0200 with processing code 20, the reversal the
 * dialect's 0400/0420 with DE90. Unknown outcomes are reversed, or inquired (0800) when enabled.
 */
export function createDemoCardConnector(env: ConnectorEnv): DemoCardConnector {
  const s = readSettings(env.settings);
  const dialect = loadDialect(s.dialect);
  const cfg: MappingConfig = {
    terminalId: s.terminalId,
    acquirerId: s.acquirerId,
    reversalMti: dialect.reversalMti,
    acceptedReversalCodes: dialect.acceptedReversalCodes,
    messageMode: s.messageMode,
    repeatRefreshesTransmissionTime: s.repeatRefreshesTransmissionTime,
  };
  const single = s.messageMode === 'single';
  const mac = linkMac(s, dialect, env.mode === 'sandbox');
  // What each key was sent for, kept past its timeout so a late reply finds its reference.
  const sent = new Recent<Sent>(50_000);
  // The authorisation a completion refers to (the engine's transfer request does not carry it).
  const auths = new Recent<string>(50_000);

  const onUnmatched = (reply: UnmatchedReply): void => {
    const was = sent.get(matchKey(reply.fields));
    // The same STAN may come back for another request later; DE7 tells them apart.
    if (!was || reply.fields['7'] !== was.transmission) return;
    const outcome = readReply(was.flow, reply, cfg);
    setImmediate(() => env.report({ flow: was.flow, reference: was.reference, outcome, late: !reply.duplicate }));
  };

  const client = new IsoHostClient({
    endpoints: s.endpoints,
    dialect,
    framing: { header: s.header, tpdu: s.tpdu },
    ...(s.tls ? { tls: s.tls } : {}),
    requestTimeoutMs: s.callTimeoutMs,
    echoIntervalMs: s.echoIntervalMs,
    reconnect: s.reconnect,
    networkFields: { '41': cfg.terminalId.padEnd(8, ' ') },
    ...(mac ? { mac } : {}),
    onUnmatched,
    now: () => env.clock.now(),
  });

  const call = (flow: CardFlow) => async (req: FlowRequest): Promise<Outcome> => {
    let fields: FieldMap;
    try {
      fields = buildRequest(flow, req, cfg, env.clock.now(), flow === 'transfer' ? (req.authorization ?? auths.get(req.paymentId)) : undefined);
    } catch (err) {
      if (err instanceof MappingError) return notSent(err.message);
      throw err;
    }
    const key = matchKey(fields);
    const previous = sent.get(key);
    sent.set(key, { flow, reference: req.reference, transmission: String(fields['7']) });
    try {
      const reply = await client.request(fields, { timeoutMs: s.callTimeoutMs });
      const outcome = readReply(flow, reply, cfg);
      if (flow === 'authorize' && outcome.kind === 'ok') auths.set(req.paymentId, req.reference);
      // A reversal answered 25 (the original never reached the host) says so in the outcome; the
      // engine then sends the original again, or, for a completion it gives up on, releases the
      // authorisation that still holds the money.
      return outcome;
    } catch (err) {
      if (err instanceof LinkNotSentError) {
        // Refused because its key is in flight: the record belongs to the request still waiting.
        if (err.reason === 'duplicate_key' && previous) sent.set(key, previous);
        return notSent(`not sent: ${err.reason}`);
      }
      if (err instanceof LinkOutcomeUnknownError) return unknown(true, `outcome unknown: ${err.reason}`);
      return unknown(true, 'link error');
    }
  };

  // Asking changes nothing at the host, so an inquiry that got no answer may simply be asked again.
  const inquire = async (req: FlowRequest): Promise<Outcome> => {
    let fields: FieldMap;
    try {
      fields = buildInquiry(req, cfg, env.clock.now());
    } catch (err) {
      if (err instanceof MappingError) return notSent(err.message);
      throw err;
    }
    try {
      return readInquiryReply(req.original?.flow ?? 'authorize', await client.request(fields, { timeoutMs: s.callTimeoutMs }));
    } catch (err) {
      if (err instanceof LinkNotSentError) return notSent(`not sent: ${err.reason}`);
      return unknown(true, err instanceof LinkOutcomeUnknownError ? `inquiry unanswered: ${err.reason}` : 'link error');
    }
  };

  const flowNames: FlowName[] = ['verify', ...(single ? [] : (['authorize'] as const)), 'transfer', ...(s.inquiry ? (['inquire'] as const) : []), 'reverse', 'refund'];
  const connector = defineConnector({
    id: s.id,
    rail: 'iso8583',
    capabilities: {
      flows: flowNames,
      methods: { card: { verify: true, authorize: !single, inquiry: s.inquiry, transfer: 'sync' } },
      currencies: ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'NOK', 'PLN', 'CZK', 'JPY'],
      refunds: { partial: true, windowDays: 90 },
      callTimeoutMs: s.callTimeoutMs,
      ...(Object.keys(s.reversal).length > 0 ? { reversal: s.reversal } : {}),
    },
    flows: {
      verify: call('verify'),
      ...(single ? {} : { authorize: call('authorize') }),
      transfer: call('transfer'),
      ...(s.inquiry ? { inquire } : {}),
      reverse: call('reverse'),
      refund: call('refund'),
    },
    async start() {
      client.start();
      // Payments may start once a link is up; a host still down is not fatal, the links keep trying.
      await client.ready(s.readyTimeoutMs).catch(() => undefined);
    },
    async stop() {
      await client.close();
    },
    health() {
      const links = client.links.map((l, i) => ({
        endpoint: `${s.endpoints[i]?.host ?? ''}:${s.endpoints[i]?.port ?? ''}`,
        state: l.state,
        ...(l.lastInboundAt > 0 ? { lastInboundAt: l.lastInboundAt } : {}),
        ...(l.lastEchoAt !== undefined ? { lastEchoAt: l.lastEchoAt } : {}),
        inFlight: l.inFlightCount,
      }));
      return Promise.resolve(client.isReady ? { ok: true, links } : { ok: false, detail: `links: ${client.states.join(', ')}`, links });
    },
  });
  return Object.assign(connector, { client });
}
