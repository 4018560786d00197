import { notSent, unknown, type Outcome } from '../../src/connector/outcome.js';
import { defineConnector, type Connector, type ConnectorEnv, type FlowRequest } from '../../src/connector/types.js';
import { loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { IsoHostClient, LinkNotSentError, LinkOutcomeUnknownError, matchKey, type UnmatchedReply } from '../../src/iso8583/link/index.js';
import { createMessageMac } from '../../src/iso8583/mac.js';
import { buildRequest, MappingError, readReply, type CardFlow, type MappingConfig } from './mapping.js';
import { readSettings } from './settings.js';

export { DE39, classifyCode } from './codes.js';
export { stanOf, transmissionOf, buildRequest, readReply } from './mapping.js';
export { readSettings, DEMO_NETWORK_MAC } from './settings.js';

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

interface Sent {
  flow: CardFlow;
  reference: string;
  transmission: string;
}

/**
 * `demo-card`: cards over ISO 8583 (demo-card dialect) to mocks/iso8583-host. Verification is an
 * 0100 for amount 0, authorisation an 0100, the transfer an 0220 completion, the refund an 0200
 * with processing code 20, the reversal the dialect's 0400/0420 with DE90. The network has no
 * inquiry, so an unknown outcome is settled by reversal.
 */
export function createDemoCardConnector(env: ConnectorEnv): DemoCardConnector {
  const s = readSettings(env.settings);
  const dialect = loadDialect(s.dialect);
  const cfg: MappingConfig = {
    terminalId: s.terminalId,
    acquirerId: s.acquirerId,
    reversalMti: dialect.reversalMti,
    acceptedReversalCodes: dialect.acceptedReversalCodes,
  };
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
    ...(s.mac ? { mac: createMessageMac(s.mac) } : {}),
    onUnmatched,
    now: () => env.clock.now(),
  });

  const call = (flow: CardFlow) => async (req: FlowRequest): Promise<Outcome> => {
    let fields: FieldMap;
    try {
      fields = buildRequest(flow, req, cfg, env.clock.now(), flow === 'transfer' ? auths.get(req.paymentId) : undefined);
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

  const connector = defineConnector({
    id: s.id,
    rail: 'iso8583',
    capabilities: {
      flows: ['verify', 'authorize', 'transfer', 'reverse', 'refund'],
      methods: { card: { verify: true, authorize: true, inquiry: false, transfer: 'sync' } },
      currencies: ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'DKK', 'NOK', 'PLN', 'CZK', 'JPY'],
      refunds: { partial: true, windowDays: 90 },
      callTimeoutMs: s.callTimeoutMs,
    },
    flows: {
      verify: call('verify'),
      authorize: call('authorize'),
      transfer: call('transfer'),
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
      return Promise.resolve(client.isReady ? { ok: true } : { ok: false, detail: `links: ${client.states.join(', ')}` });
    },
  });
  return Object.assign(connector, { client });
}
