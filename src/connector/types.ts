import type { Clock } from '../domain/clock.js';
import type { Secret } from '../domain/secret.js';
import type { EventRecord, Store, StoreTx } from '../store/types.js';
import type { Outcome } from './outcome.js';

export type FlowName = 'verify' | 'authorize' | 'transfer' | 'inquire' | 'reverse' | 'refund' | 'inbound';
export type Rail = 'sandbox' | 'iso8583' | 'iso20022' | 'batch';
export type MethodType = 'card' | 'bank_account';

/** How one kind of payment method travels on this connector's rail. */
export interface MethodCapabilities {
  /** The bank can check the account before the customer confirms. */
  verify: boolean;
  /** Authorisation is a separate step before the transfer (pre-auth then completion). */
  authorize: boolean;
  /** The bank answers status inquiries; without it an unknown outcome is resolved by reversal. */
  inquiry: boolean;
  /** `async`: the transfer is accepted, then settles later (status report, file). */
  transfer: 'sync' | 'async';
}

export interface ConnectorCapabilities {
  flows: FlowName[];
  methods: Partial<Record<MethodType, MethodCapabilities>>;
  /** ISO 4217 codes, or ['*']. */
  currencies: string[];
  refunds: { partial: boolean; windowDays: number } | false;
  /** How long the engine waits for one flow call before the outcome becomes unknown. */
  callTimeoutMs: number;
  /**
   * The host's store-and-forward policy for reversals, where it has one: how many sends (the first
   * and its repeats), how old a reversal may get before review, and how many times a declined
   * reversal is repeated. Absent fields keep the engine's policy.
   */
  reversal?: { maxAttempts?: number; maxAgeMs?: number; declinedRepeats?: number };
}

export type RevealedMethod =
  | { type: 'card'; number: Secret<string>; expMonth: number; expYear: number }
  | { type: 'bank_account'; iban: Secret<string>; name: string };

/** What every flow receives. `reference` is chosen and stored before the first send and never changes. */
export interface FlowRequest {
  paymentId: string;
  reference: string;
  amount: number;
  currency: string;
  method: RevealedMethod;
  orderId: string;
  merchant: { id: string; name: string };
  customer: { email: string };
  description?: string;
  /** For inquire and reverse: the flow and reference of the request they are about. */
  original?: { flow: FlowName; reference: string };
  /** For refunds. */
  refundId?: string;
  /**
   * On dual-message rails, for the completion and for reversals: the reference of the
   * authorisation the money rests on, so a completion names it and a reversal of a completion
   * that never arrived can release the authorisation instead.
   */
  authorization?: string;
  /**
   * This request repeats an earlier one of the same meaning that got no usable answer (a reversal
   * retried): rails with repeat messages use them (ISO 8583 0401/0421).
   */
  repeat?: boolean;
}

export interface InboundRequest {
  body: Uint8Array;
  contentType: string;
  headers: Record<string, string>;
}

/** Something the bank told us on its own: a pushed status, or a reply that came after the timeout. */
export interface ConnectorReport {
  flow: FlowName;
  /** The reference of the request the report is about. */
  reference: string;
  outcome: Outcome;
  late?: boolean;
}

export interface InboundResult {
  reports: ConnectorReport[];
  response?: { status: number; contentType: string; body: string };
}

export interface FlowContext {
  clock: Clock;
  signal: AbortSignal;
}

export interface ConnectorFlows {
  verify?(req: FlowRequest, ctx: FlowContext): Promise<Outcome>;
  authorize?(req: FlowRequest, ctx: FlowContext): Promise<Outcome>;
  transfer?(req: FlowRequest, ctx: FlowContext): Promise<Outcome>;
  inquire?(req: FlowRequest, ctx: FlowContext): Promise<Outcome>;
  reverse?(req: FlowRequest, ctx: FlowContext): Promise<Outcome>;
  refund?(req: FlowRequest, ctx: FlowContext): Promise<Outcome>;
  inbound?(req: InboundRequest, ctx: FlowContext): Promise<InboundResult>;
}

export interface Connector {
  id: string;
  rail: Rail;
  capabilities: ConnectorCapabilities;
  flows: ConnectorFlows;
  /**
   * How `flows.inbound` knows a push comes from the bank: `signature` (every push must carry a
   * signature verified against the bank's certificates, else it is refused), `mtls` (the client
   * certificate, checked before the request reaches Railyard), `none`. Outside the sandbox Railyard
   * refuses to start a connector with an inbound flow and `none` (or nothing declared).
   */
  inboundAuth?: 'signature' | 'mtls' | 'none';
  /** Starts links and pollers; called once before the first flow. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  health?(): Promise<ConnectorHealth>;
  /**
   * Reports from `inbound` that name a reference no payment or refund has: the engine hands them
   * back so the connector keeps and surfaces them (health, `connector.unmatched_report`).
   */
  unmatched?(reports: ConnectorReport[]): void;
}

/** What a connector says of itself: in `GET /v1/connectors` and, per link, in `/metrics`. */
export interface ConnectorHealth {
  ok: boolean;
  detail?: string;
  /** Long-lived links to the bank (ISO 8583 endpoints), primary first. */
  links?: LinkHealth[];
}

export interface LinkHealth {
  /** `host:port` of the endpoint. */
  endpoint: string;
  state: string;
  /** When the bank last sent anything on this link (epoch ms); absent before the first frame. */
  lastInboundAt?: number;
  /** When an echo was last answered (epoch ms). */
  lastEchoAt?: number;
  /** Requests sent and not yet answered. */
  inFlight: number;
}

/** What the engine gives a connector when it builds one. */
export interface ConnectorEnv {
  clock: Clock;
  /** Connector-specific settings from the configuration file. */
  settings: Record<string, unknown>;
  /** Feeds bank-initiated news (late replies, pushed statuses) back into the engine. */
  report(report: ConnectorReport): void;
  /**
   * The engine's store, for rails that keep durable records of their own (the batch rail's queue,
   * file ledger and reconciliation), through `sqlTransaction`/`sqlQuery`.
   */
  store?: Store;
  /** Writes an API event (and queues its webhooks) inside a store transaction: `reconciliation.break`. */
  publish?: (tx: StoreTx, event: EventRecord) => Promise<void>;
  /**
   * `sandbox` allows demo fallbacks (published test keys); anything else, absent included, must
   * have every key configured. Railyard's server always says which.
   */
  mode?: 'sandbox' | 'production';
  /**
   * Operational news that concerns no payment (so no merchant's webhook): e.g.
   * `connector.unmatched_report`, a bank report naming nothing Railyard knows. Ids and codes only.
   */
  notice?: (notice: ConnectorNotice) => void;
}

export interface ConnectorNotice {
  type: 'connector.unmatched_report';
  connector: string;
  at: number;
  data: Record<string, string | number>;
}

export type ConnectorFactory = (env: ConnectorEnv) => Connector | Promise<Connector>;

export class ConnectorDefinitionError extends Error {
  override readonly name = 'ConnectorDefinitionError';
}

/**
 * Checks a connector's declaration against its flows, so a capability without its flow (or the
 * reverse) fails at start instead of in the middle of a payment.
 */
export function defineConnector(def: Connector): Connector {
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(def.id)) {
    throw new ConnectorDefinitionError(`connector id "${def.id}" must be lower-case letters, digits and dashes`);
  }
  const declared = new Set(def.capabilities.flows);
  for (const flow of declared) {
    if (typeof def.flows[flow] !== 'function') {
      throw new ConnectorDefinitionError(`connector ${def.id}: capability "${flow}" has no flow function`);
    }
  }
  for (const [flow, fn] of Object.entries(def.flows)) {
    if (typeof fn === 'function' && !declared.has(flow as FlowName)) {
      throw new ConnectorDefinitionError(`connector ${def.id}: flow "${flow}" is not declared in capabilities.flows`);
    }
  }
  for (const [method, caps] of Object.entries(def.capabilities.methods)) {
    if (!caps) continue;
    if (caps.verify && !declared.has('verify')) {
      throw new ConnectorDefinitionError(`connector ${def.id}: ${method} declares verify without the verify flow`);
    }
    if (caps.authorize && !declared.has('authorize')) {
      throw new ConnectorDefinitionError(`connector ${def.id}: ${method} declares authorize without the authorize flow`);
    }
    if (caps.inquiry && !declared.has('inquire')) {
      throw new ConnectorDefinitionError(`connector ${def.id}: ${method} declares inquiry without the inquire flow`);
    }
  }
  if (!declared.has('transfer')) {
    throw new ConnectorDefinitionError(`connector ${def.id}: the transfer flow is required`);
  }
  if (def.capabilities.refunds && !declared.has('refund')) {
    throw new ConnectorDefinitionError(`connector ${def.id}: refunds are declared without the refund flow`);
  }
  if (!(def.capabilities.callTimeoutMs > 0)) {
    throw new ConnectorDefinitionError(`connector ${def.id}: callTimeoutMs must be positive`);
  }
  return def;
}

export function supportsCurrency(caps: ConnectorCapabilities, currency: string): boolean {
  return caps.currencies.includes('*') || caps.currencies.includes(currency);
}
