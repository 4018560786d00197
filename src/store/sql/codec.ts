import type {
  CommandRecord,
  EventRecord,
  AuditHead,
  HistoryRecord,
  IdempotencyRecord,
  Json,
  OtpRecord,
  PaymentRecord,
  PersistedSnapshot,
  RefundRecord,
  StoredMethod,
  TimerRecord,
} from '../types.js';
import { encodeOptJson, json, num, oneOf, optJson, optNum, optStr, str } from './columns.js';
import type { Row, SqlValue } from './executor.js';

/*
 * Row <-> record mapping shared by both dialects. JSON columns are always read as text (the
 * PostgreSQL pool is told not to parse json/jsonb) so that decoding is one code path, and a JSON
 * string value is never confused with already-decoded text.
 */

export const PAYMENT_COLUMNS =
  'id, merchant_id, order_id, connector, amount, currency, status, state, machine_version, snapshot, version, method, customer_email, confirmation, description, metadata, created_at, updated_at';

export function encodePayment(p: PaymentRecord): SqlValue[] {
  return [
    p.id,
    p.merchantId,
    p.orderId,
    p.connector,
    p.amount,
    p.currency,
    p.status,
    p.state,
    p.machineVersion,
    JSON.stringify(p.snapshot),
    p.version,
    JSON.stringify(p.method),
    p.customerEmail,
    p.confirmation,
    p.description,
    encodeOptJson(p.metadata),
    p.createdAt,
    p.updatedAt,
  ];
}

export function decodePayment(row: Row): PaymentRecord {
  return {
    id: str(row, 'id'),
    merchantId: str(row, 'merchant_id'),
    orderId: str(row, 'order_id'),
    connector: str(row, 'connector'),
    amount: num(row, 'amount'),
    currency: str(row, 'currency'),
    status: str(row, 'status'),
    state: str(row, 'state'),
    machineVersion: num(row, 'machine_version'),
    snapshot: json<PersistedSnapshot>(row, 'snapshot'),
    version: num(row, 'version'),
    method: json<StoredMethod>(row, 'method'),
    customerEmail: str(row, 'customer_email'),
    confirmation: oneOf(row, 'confirmation', ['otp', 'none'] as const),
    description: optStr(row, 'description'),
    metadata: optJson<Record<string, string>>(row, 'metadata'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
  };
}

export const REFUND_COLUMNS =
  'id, payment_id, merchant_id, amount, currency, status, state, machine_version, snapshot, version, reason, created_at, updated_at';

export function encodeRefund(r: RefundRecord): SqlValue[] {
  return [
    r.id,
    r.paymentId,
    r.merchantId,
    r.amount,
    r.currency,
    r.status,
    r.state,
    r.machineVersion,
    JSON.stringify(r.snapshot),
    r.version,
    r.reason,
    r.createdAt,
    r.updatedAt,
  ];
}

export function decodeRefund(row: Row): RefundRecord {
  return {
    id: str(row, 'id'),
    paymentId: str(row, 'payment_id'),
    merchantId: str(row, 'merchant_id'),
    amount: num(row, 'amount'),
    currency: str(row, 'currency'),
    status: str(row, 'status'),
    state: str(row, 'state'),
    machineVersion: num(row, 'machine_version'),
    snapshot: json<PersistedSnapshot>(row, 'snapshot'),
    version: num(row, 'version'),
    reason: optStr(row, 'reason'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
  };
}

/** `seq` is left out: the database assigns it. */
export const HISTORY_INSERT_COLUMNS = 'payment_id, aggregate_id, at, kind, from_state, to_state, data, prev_hash, hash, chain_index, key_id';

export function encodeHistory(h: HistoryRecord, link: { prevHash: string; hash: string; index: number; keyId: string }): SqlValue[] {
  return [h.paymentId, h.aggregateId, h.at, h.kind, h.fromState, h.toState, JSON.stringify(h.data), link.prevHash, link.hash, link.index, link.keyId];
}

export function decodeAuditHead(row: Row): AuditHead {
  return {
    paymentId: str(row, 'id'),
    count: optNum(row, 'audit_count'),
    hash: optStr(row, 'audit_hash'),
    mac: optStr(row, 'audit_mac'),
    keyId: optStr(row, 'audit_key_id'),
    legacyCount: num(row, 'audit_legacy_count'),
  };
}

export function decodeHistory(row: Row): HistoryRecord {
  return {
    seq: num(row, 'seq'),
    paymentId: str(row, 'payment_id'),
    aggregateId: str(row, 'aggregate_id'),
    at: num(row, 'at'),
    kind: oneOf(row, 'kind', ['transition', 'bank', 'note'] as const),
    fromState: optStr(row, 'from_state'),
    toState: optStr(row, 'to_state'),
    data: json<Json>(row, 'data'),
    prevHash: optStr(row, 'prev_hash'),
    hash: optStr(row, 'hash'),
    chainIndex: optNum(row, 'chain_index'),
    keyId: optStr(row, 'key_id'),
  };
}

export const COMMAND_COLUMNS =
  'id, aggregate_id, aggregate_kind, payment_id, kind, name, reference, spec, status, attempts, available_at, lease_owner, lease_until, outcome, created_at, completed_at';

export function encodeCommand(c: CommandRecord): SqlValue[] {
  return [
    c.id,
    c.aggregateId,
    c.aggregateKind,
    c.paymentId,
    c.kind,
    c.name,
    c.reference,
    JSON.stringify(c.spec),
    c.status,
    c.attempts,
    c.availableAt,
    c.leaseOwner,
    c.leaseUntil,
    encodeOptJson(c.outcome),
    c.createdAt,
    c.completedAt,
  ];
}

export function decodeCommand(row: Row): CommandRecord {
  return {
    id: str(row, 'id'),
    aggregateId: str(row, 'aggregate_id'),
    aggregateKind: oneOf(row, 'aggregate_kind', ['payment', 'refund'] as const),
    paymentId: str(row, 'payment_id'),
    kind: oneOf(row, 'kind', ['bank', 'notify'] as const),
    name: str(row, 'name'),
    reference: str(row, 'reference'),
    spec: json<Json>(row, 'spec'),
    status: oneOf(row, 'status', ['pending', 'in_flight', 'done', 'lost'] as const),
    attempts: num(row, 'attempts'),
    availableAt: num(row, 'available_at'),
    leaseOwner: optStr(row, 'lease_owner'),
    leaseUntil: optNum(row, 'lease_until'),
    outcome: optJson<Json>(row, 'outcome'),
    createdAt: num(row, 'created_at'),
    completedAt: optNum(row, 'completed_at'),
  };
}

export function decodeTimer(row: Row): TimerRecord {
  return {
    aggregateId: str(row, 'aggregate_id'),
    aggregateKind: oneOf(row, 'aggregate_kind', ['payment', 'refund'] as const),
    name: str(row, 'name'),
    dueAt: num(row, 'due_at'),
  };
}

export const EVENT_COLUMNS = 'id, merchant_id, type, payment_id, refund_id, version, data, created_at';

export function encodeEvent(e: EventRecord): SqlValue[] {
  return [e.id, e.merchantId, e.type, e.paymentId, e.refundId, e.version, JSON.stringify(e.data), e.createdAt];
}

export function decodeEvent(row: Row): EventRecord {
  return {
    id: str(row, 'id'),
    merchantId: str(row, 'merchant_id'),
    type: str(row, 'type'),
    paymentId: str(row, 'payment_id'),
    refundId: optStr(row, 'refund_id'),
    version: num(row, 'version'),
    data: json<Json>(row, 'data'),
    createdAt: num(row, 'created_at'),
  };
}

export const IDEMPOTENCY_COLUMNS =
  'merchant_id, key, request_hash, state, response_status, response_body, created_at, owner, effect_kind, effect_id';

export function encodeIdempotency(r: IdempotencyRecord): SqlValue[] {
  return [r.merchantId, r.key, r.requestHash, r.state, r.responseStatus, r.responseBody, r.createdAt, r.owner, r.effectKind, r.effectId];
}

export function decodeIdempotency(row: Row): IdempotencyRecord {
  return {
    merchantId: str(row, 'merchant_id'),
    key: str(row, 'key'),
    requestHash: str(row, 'request_hash'),
    state: oneOf(row, 'state', ['in_flight', 'done'] as const),
    responseStatus: optNum(row, 'response_status'),
    responseBody: optStr(row, 'response_body'),
    createdAt: num(row, 'created_at'),
    owner: str(row, 'owner'),
    effectKind: row['effect_kind'] === null || row['effect_kind'] === undefined ? null : oneOf(row, 'effect_kind', ['payment', 'refund'] as const),
    effectId: optStr(row, 'effect_id'),
  };
}

export function decodeOtp(row: Row): OtpRecord {
  return {
    paymentId: str(row, 'payment_id'),
    codeHash: str(row, 'code_hash'),
    expiresAt: num(row, 'expires_at'),
    createdAt: num(row, 'created_at'),
  };
}

export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
