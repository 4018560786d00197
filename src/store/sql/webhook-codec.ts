import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhookSecretRecord, WebhookSigningKeyRecord } from '../types.js';
import { json, num, oneOf, optNum, optStr, str } from './columns.js';
import type { Row, SqlValue } from './executor.js';

/* Row <-> record mapping of the webhook tables (migrations 0002 and 0005), kept beside codec.ts. */

export const ENDPOINT_COLUMNS =
  'id, merchant_id, url, secrets, status, consecutive_failures, failing_since, disabled_at, created_at, updated_at, signing_keys';

export function encodeEndpoint(e: WebhookEndpointRecord): SqlValue[] {
  return [
    e.id,
    e.merchantId,
    e.url,
    JSON.stringify(e.secrets),
    e.status,
    e.consecutiveFailures,
    e.failingSince,
    e.disabledAt,
    e.createdAt,
    e.updatedAt,
    JSON.stringify(e.signingKeys ?? []),
  ];
}

export function decodeEndpoint(row: Row): WebhookEndpointRecord {
  const signingKeys = json<WebhookSigningKeyRecord[]>(row, 'signing_keys');
  return {
    id: str(row, 'id'),
    merchantId: str(row, 'merchant_id'),
    url: str(row, 'url'),
    secrets: json<WebhookSecretRecord[]>(row, 'secrets'),
    // an endpoint without v1a reads back exactly as written by code that predates the column
    ...(signingKeys.length > 0 ? { signingKeys } : {}),
    status: oneOf(row, 'status', ['enabled', 'disabled'] as const),
    consecutiveFailures: num(row, 'consecutive_failures'),
    failingSince: optNum(row, 'failing_since'),
    disabledAt: optNum(row, 'disabled_at'),
    createdAt: num(row, 'created_at'),
    updatedAt: num(row, 'updated_at'),
  };
}

export const DELIVERY_COLUMNS =
  'id, event_id, endpoint_id, payment_id, version, status, attempts, next_attempt_at, lease_owner, lease_until, last_status_code, last_error, created_at, completed_at';

export function encodeDelivery(d: WebhookDeliveryRecord): SqlValue[] {
  return [
    d.id,
    d.eventId,
    d.endpointId,
    d.paymentId,
    d.version,
    d.status,
    d.attempts,
    d.nextAttemptAt,
    d.leaseOwner,
    d.leaseUntil,
    d.lastStatusCode,
    d.lastError,
    d.createdAt,
    d.completedAt,
  ];
}

export function decodeDelivery(row: Row): WebhookDeliveryRecord {
  return {
    id: str(row, 'id'),
    eventId: str(row, 'event_id'),
    endpointId: str(row, 'endpoint_id'),
    paymentId: str(row, 'payment_id'),
    version: num(row, 'version'),
    status: oneOf(row, 'status', ['pending', 'in_flight', 'delivered', 'failed'] as const),
    attempts: num(row, 'attempts'),
    nextAttemptAt: num(row, 'next_attempt_at'),
    leaseOwner: optStr(row, 'lease_owner'),
    leaseUntil: optNum(row, 'lease_until'),
    lastStatusCode: optNum(row, 'last_status_code'),
    lastError: optStr(row, 'last_error'),
    createdAt: num(row, 'created_at'),
    completedAt: optNum(row, 'completed_at'),
  };
}
