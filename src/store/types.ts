/**
 * The one storage interface. SQLite (embedded default) and PostgreSQL (several nodes) implement it,
 * and one shared conformance suite (test/store/conformance.ts) runs against both.
 *
 * Everything the runner writes for one event (snapshot, status projection, history, outbox
 * commands, timers, API events) is written through one `StoreTx`, so it commits or vanishes together.
 * Timestamps are epoch milliseconds; money is integer minor units.
 */

import type { Dialect, Row, SqlExecutor, SqlValue } from './sql/executor.js';

export type { Dialect, Row, SqlExecutor, SqlValue } from './sql/executor.js';

export type AggregateKind = 'payment' | 'refund';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An XState snapshot reduced to what restoring needs: the state value and the context. */
export interface PersistedSnapshot {
  value: string;
  context: Record<string, unknown>;
}

/** What is kept about the payment method: never the clear number. */
export interface StoredMethod {
  type: 'card' | 'bank_account';
  last4: string;
  /** Keyed fingerprint (HMAC) for duplicate detection. */
  fingerprint: string;
  expMonth?: number;
  expYear?: number;
  /** Account holder name for bank accounts (not secret; needed for verification). */
  holderName?: string;
  /** Authenticated encryption of the clear value under the data key (see src/domain/vault.ts). */
  sealed: string;
}

export interface PaymentRecord {
  id: string;
  merchantId: string;
  orderId: string;
  connector: string;
  amount: number;
  currency: string;
  /** API status projection of `state`. */
  status: string;
  state: string;
  machineVersion: number;
  snapshot: PersistedSnapshot;
  /** Incremented by every applied event; carried by webhooks so receivers can order them. */
  version: number;
  method: StoredMethod;
  customerEmail: string;
  confirmation: 'otp' | 'none';
  description: string | null;
  metadata: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
}

export interface RefundRecord {
  id: string;
  paymentId: string;
  merchantId: string;
  amount: number;
  currency: string;
  status: string;
  state: string;
  machineVersion: number;
  snapshot: PersistedSnapshot;
  version: number;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AggregateUpdate {
  status: string;
  state: string;
  machineVersion: number;
  snapshot: PersistedSnapshot;
  version: number;
  updatedAt: number;
}

/** Append-only timeline row. `data` is already masked. */
export interface HistoryRecord {
  /** Assigned by the store (monotonic per store); ignored on insert. */
  seq?: number;
  paymentId: string;
  aggregateId: string;
  at: number;
  kind: 'transition' | 'bank' | 'note';
  fromState: string | null;
  toState: string | null;
  data: Json;
  /** Hash chain (src/store/audit-chain.ts): set by the store on insert, ignored when given. */
  prevHash?: string | null;
  hash?: string | null;
  /** Position in the payment's keyed chain (1-based) and the audit key id; null on legacy rows. */
  chainIndex?: number | null;
  keyId?: string | null;
}

/** A payment's chain head, kept on its row (src/store/audit-chain.ts). */
export interface AuditHead {
  paymentId: string;
  /** Chain length (legacy rows included); null until the first keyed row. */
  count: number | null;
  hash: string | null;
  mac: string | null;
  keyId: string | null;
  /** Rows written before keyed chains (migration 11): verified with the old SHA-256 rule. */
  legacyCount: number;
}

export type CommandStatus = 'pending' | 'in_flight' | 'done' | 'lost';

export interface CommandRecord {
  id: string;
  aggregateId: string;
  aggregateKind: AggregateKind;
  paymentId: string;
  /** `bank` commands reach a connector; `notify` commands reach the customer or the gateway. */
  kind: 'bank' | 'notify';
  /** The connector flow or the notification name. */
  name: string;
  /** Stable reference sent to the bank (STAN, EndToEndId, ...), chosen before the first send. */
  reference: string;
  spec: Json;
  status: CommandStatus;
  attempts: number;
  availableAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  outcome: Json | null;
  createdAt: number;
  completedAt: number | null;
}

/**
 * One claim of a command: the process that holds it and the claim's number (`attempts` right
 * after the claim), so a command claimed again, even by the same process, is another claim.
 */
export interface CommandClaim {
  id: string;
  owner: string;
  attempt: number;
}

/** The claim a claimed command record stands for. */
export function claimOf(c: CommandRecord): CommandClaim {
  return { id: c.id, owner: c.leaseOwner ?? '', attempt: c.attempts };
}

export interface TimerRecord {
  aggregateId: string;
  aggregateKind: AggregateKind;
  name: string;
  dueAt: number;
}

/** An API event (the `GET /v1/events` feed; webhooks deliver them). */
export interface EventRecord {
  id: string;
  merchantId: string;
  type: string;
  paymentId: string;
  refundId: string | null;
  version: number;
  data: Json;
  createdAt: number;
}

/** One signing secret of a webhook endpoint; stored sealed by the caller (the store keeps text). */
export interface WebhookSecretRecord {
  /** Sealed `whsec_…` secret (see src/notify/webhooks/endpoints.ts). */
  sealed: string;
  createdAt: number;
  /** After a rotation the old secret keeps signing until then; null: no end. */
  expiresAt: number | null;
}

/**
 * One Ed25519 key of a webhook endpoint (Standard Webhooks `v1a`): the secret half sealed by the
 * caller, the public half in clear, since the merchant's receiver must be able to read it.
 */
export interface WebhookSigningKeyRecord {
  /** Sealed `whsk_…` secret key (see src/notify/webhooks/endpoints.ts). */
  sealed: string;
  /** `whpk_…` public key. */
  publicKey: string;
  createdAt: number;
  /** After a rotation the old key keeps signing until then; null: no end. */
  expiresAt: number | null;
}

export interface WebhookEndpointRecord {
  id: string;
  merchantId: string;
  url: string;
  /** HMAC (`v1`) secrets; empty when the endpoint signs with Ed25519 only. */
  secrets: WebhookSecretRecord[];
  /**
   * Ed25519 (`v1a`) keys (migration 0005); empty or absent: no `v1a` signature. Optional so that
   * records built by code that predates it stay valid; the store reads an empty list back as absent.
   */
  signingKeys?: WebhookSigningKeyRecord[];
  status: 'enabled' | 'disabled';
  consecutiveFailures: number;
  /** First failed attempt since the last success; the endpoint is disabled when it is too old. */
  failingSince: number | null;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type WebhookDeliveryStatus = 'pending' | 'in_flight' | 'delivered' | 'failed';

export interface WebhookDeliveryRecord {
  id: string;
  eventId: string;
  endpointId: string;
  /** Deliveries form one line per (endpoint, payment), sent in the order they were queued. */
  paymentId: string;
  version: number;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  completedAt: number | null;
}

/** The result of one delivery attempt, written back by the worker. */
export interface WebhookAttemptUpdate {
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: number;
  lastStatusCode: number | null;
  lastError: string | null;
  at: number;
}

export interface IdempotencyRecord {
  merchantId: string;
  key: string;
  /** SHA-256 of method, path and canonical body: a different request under the same key is refused. */
  requestHash: string;
  state: 'in_flight' | 'done';
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: number;
  /** Random token of the request holding the key; a takeover replaces it. */
  owner: string;
  /** The effect committed under this key (bound in the effect's own transaction), or null. */
  effectKind: IdempotencyEffectKind | null;
  effectId: string | null;
}

/** What a key's effect is: `payment` for a create, confirm or cancel (the payment's id), `refund`. */
export type IdempotencyEffectKind = 'payment' | 'refund';

export interface OtpRecord {
  paymentId: string;
  /** Keyed hash (HMAC-SHA256) of the code; the code itself is never stored. */
  codeHash: string;
  expiresAt: number;
  createdAt: number;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

export interface PaymentQuery {
  merchantId: string;
  limit: number;
  /** Newest first; `startingAfter` is the id of the last item of the previous page. */
  startingAfter?: string;
  status?: string;
}

export interface EventQuery {
  merchantId: string;
  limit: number;
  startingAfter?: string;
  type?: string;
  paymentId?: string;
}

export interface StrandedQuery {
  kind: AggregateKind;
  /** The API statuses of non-terminal states. */
  statuses: readonly string[];
  updatedBefore: number;
  limit: number;
}

export interface StrandedAggregate {
  kind: AggregateKind;
  id: string;
  paymentId: string;
  state: string;
  updatedAt: number;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  owner: string;
  leaseMs: number;
}

export interface StoreTx {
  insertPayment(p: PaymentRecord): Promise<void>;
  /** Locks the row until the transaction ends (FOR UPDATE on PostgreSQL). */
  lockPayment(id: string): Promise<PaymentRecord | null>;
  updatePayment(id: string, u: AggregateUpdate): Promise<void>;

  insertRefund(r: RefundRecord): Promise<void>;
  lockRefund(id: string): Promise<RefundRecord | null>;
  /** Reads a refund without locking it (to learn its payment, which is locked first). */
  getRefund(id: string): Promise<RefundRecord | null>;
  updateRefund(id: string, u: AggregateUpdate): Promise<void>;
  listRefunds(paymentId: string): Promise<RefundRecord[]>;

  /**
   * Appends to the payment's hash-chained timeline. The caller holds the payment's row lock
   * (lockPayment), so two appends to one chain never race.
   */
  appendHistory(h: HistoryRecord): Promise<void>;

  insertCommand(c: CommandRecord): Promise<void>;
  /**
   * Marks up to `limit` due pending commands in_flight under `owner` until now + leaseMs and
   * returns them. Concurrent claimers never get the same command (SKIP LOCKED on PostgreSQL).
   */
  claimCommands(o: ClaimOptions): Promise<CommandRecord[]>;
  /** In-flight commands whose lease ran out (their process died or hung), locked for this tx. */
  claimExpiredLeases(now: number, limit: number): Promise<CommandRecord[]>;
  getCommand(id: string): Promise<CommandRecord | null>;
  /**
   * Marks a claimed command done, only while `claim` still holds it (in flight, same owner, same
   * claim). False, changing nothing, for a stale claim: its lease ran out and the command was
   * taken over (lost, or claimed again), or it was finished already.
   */
  finishCommand(claim: CommandClaim, outcome: Json | null, at: number): Promise<boolean>;
  /** Puts a claimed command back to pending (commands safe to repeat), under the same guard. */
  requeueCommand(claim: CommandClaim, availableAt: number): Promise<boolean>;
  /**
   * Takes over an in-flight command whose lease ran out by `now` (its process died or hung): `lost`
   * with an outcome, or back to pending at `requeueAt`. False when it is no longer so.
   */
  expireCommand(id: string, now: number, change: { lost: Json } | { requeueAt: number }): Promise<boolean>;

  /** Inserts or moves the timer `(aggregateId, name)`. */
  upsertTimer(t: TimerRecord): Promise<void>;
  deleteTimers(aggregateId: string): Promise<void>;
  deleteTimer(aggregateId: string, name: string): Promise<void>;
  /** One due timer, locked (SKIP LOCKED on PostgreSQL), or null. */
  claimDueTimer(now: number): Promise<TimerRecord | null>;
  /**
   * Deletes the timer `(aggregateId, name)` if it is still due by `now`: true when this
   * transaction took it (it fires once), false when it was moved, deleted or fired meanwhile.
   */
  takeTimer(aggregateId: string, name: string, now: number): Promise<boolean>;
  /** Whether the aggregate has a timer or an open (pending or in-flight) command: something will move it. */
  hasOpenWork(aggregateId: string): Promise<boolean>;

  insertEvent(e: EventRecord): Promise<void>;

  getIdempotency(merchantId: string, key: string): Promise<IdempotencyRecord | null>;
  /** False when the key exists already (another request holds it). */
  insertIdempotency(r: IdempotencyRecord): Promise<boolean>;
  /** Stores the response of the request holding the key (`owner`), once; false if not that owner's or done. */
  completeIdempotency(merchantId: string, key: string, owner: string, status: number, body: string): Promise<boolean>;
  /**
   * Binds the key to the effect committed in this same transaction (and, if given, the response
   * that effect answers). False when `owner` no longer holds the key or an effect is bound already:
   * the caller must then roll its effect back.
   */
  bindIdempotency(merchantId: string, key: string, owner: string, effect: { kind: IdempotencyEffectKind; id: string }, response?: { status: number; body: string }): Promise<boolean>;
  /** Gives an in-flight key with no effect from `fromOwner` to `toOwner`, restarting its clock at `at`. */
  takeOverIdempotency(merchantId: string, key: string, fromOwner: string, toOwner: string, at: number): Promise<boolean>;
  /** Frees a key held by `owner` that has neither an effect nor a response (its request failed on our side). */
  releaseIdempotency(merchantId: string, key: string, owner: string): Promise<boolean>;
  deleteIdempotency(merchantId: string, key: string): Promise<void>;

  putOtp(o: OtpRecord): Promise<void>;
  getOtp(paymentId: string): Promise<OtpRecord | null>;
  deleteOtp(paymentId: string): Promise<void>;

  insertWebhookEndpoint(e: WebhookEndpointRecord): Promise<void>;
  /** Locks the endpoint row until the transaction ends. */
  lockWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  /** Rewrites every mutable field (url, secrets, signing keys, status, failure counters, timestamps). */
  updateWebhookEndpoint(e: WebhookEndpointRecord): Promise<void>;
  /** The merchant's endpoints, oldest first (the runner queues deliveries to the enabled ones). */
  listWebhookEndpointsIn(merchantId: string): Promise<WebhookEndpointRecord[]>;
  insertWebhookDelivery(d: WebhookDeliveryRecord): Promise<void>;
  /**
   * Claims up to `limit` due pending deliveries of enabled endpoints, at most one per
   * (endpoint, payment) line and only the head of each line (the earliest queued), so a
   * receiver never sees two deliveries of one payment at once or out of version order. Deliveries
   * whose lease ran out are put back first. Concurrent claimers skip each other's rows.
   */
  claimWebhookDeliveries(o: ClaimOptions): Promise<WebhookDeliveryRecord[]>;
  recordWebhookAttempt(id: string, u: WebhookAttemptUpdate): Promise<void>;
  /** Moves the endpoint's pending deliveries to `at` (after re-enabling it). */
  rescheduleWebhookDeliveries(endpointId: string, at: number): Promise<number>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn` in one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Raw SQL for modules that own tables of their own (the batch rail's queue, file ledger and
   * reconciliation records): one transaction on the same writer and with the same guarantees as
   * `transaction`, `?` placeholders on both dialects, `dialect` for the few clauses that differ.
   */
  sqlTransaction<T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T>;
  /** A committed-data read for those modules. */
  sqlQuery(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;

  // Reads outside a transaction see committed data only.
  getPayment(id: string): Promise<PaymentRecord | null>;
  getPaymentByOrder(merchantId: string, orderId: string): Promise<PaymentRecord | null>;
  listPayments(q: PaymentQuery): Promise<Page<PaymentRecord>>;
  getRefund(id: string): Promise<RefundRecord | null>;
  listRefundsOf(paymentId: string): Promise<RefundRecord[]>;
  listHistory(paymentId: string): Promise<HistoryRecord[]>;
  /** Payment ids in id order after `afterId` (null: from the start), for audits over everything. */
  listPaymentIds(afterId: string | null, limit: number): Promise<string[]>;
  /** Chain heads in payment id order after `afterId` (audit verify and checkpoints). */
  listAuditHeads(afterId: string | null, limit: number): Promise<AuditHead[]>;
  listEvents(q: EventQuery): Promise<Page<EventRecord>>;
  getEvent(id: string): Promise<EventRecord | null>;
  /** The bank command that used `reference` (to route late replies and pushed statuses). */
  findCommandByReference(reference: string): Promise<CommandRecord | null>;
  listCommands(aggregateId: string): Promise<CommandRecord[]>;
  /** Due timers, earliest first, unlocked: candidates that `takeTimer` then takes one by one. */
  listDueTimers(now: number, limit: number): Promise<TimerRecord[]>;
  /**
   * Aggregates of `kind` in one of `statuses`, unchanged since `updatedBefore`, with no timer and no
   * open command: nothing will ever move them (the sweeper's candidates). Oldest first.
   */
  listStranded(q: StrandedQuery): Promise<StrandedAggregate[]>;
  /** Earliest `availableAt` of a pending command and earliest due timer, for wake-ups and metrics. */
  nextDue(): Promise<{ command: number | null; timer: number | null }>;
  countPaymentsByStatus(): Promise<Record<string, number>>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  listWebhookEndpoints(merchantId: string): Promise<WebhookEndpointRecord[]>;
  /** Deliveries of one event, oldest first. */
  listWebhookDeliveries(eventId: string): Promise<WebhookDeliveryRecord[]>;
  /**
   * When the next claim can find work: the earliest due head of a line (as `claimWebhookDeliveries`
   * picks them) of an enabled endpoint, or the earliest lease end of a delivery in flight.
   */
  nextWebhookDue(): Promise<number | null>;
  ping(): Promise<void>;
}

/** A unique constraint refused the write (order_id reused, id collision). */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';
  constructor(readonly constraint: string) {
    super(`unique constraint violated: ${constraint}`);
  }
}
