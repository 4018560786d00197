/**
 * Names carried by `UniqueViolation.constraint`, identical on SQLite and PostgreSQL, so callers can
 * tell "order_id already used" (HTTP 409) from an id collision without knowing the dialect.
 */
export const constraints = {
  paymentOrder: 'payments_merchant_id_order_id_key',
  paymentId: 'payments_pkey',
  refundId: 'refunds_pkey',
  commandId: 'commands_pkey',
  eventId: 'events_pkey',
} as const;
