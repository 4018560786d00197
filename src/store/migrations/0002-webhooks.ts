import type { Migration } from './types.js';

/*
 * Webhook endpoints (per merchant) and the delivery outbox. A delivery row is queued in the same
 * transaction as the event it carries, so an event is never committed without its deliveries.
 * `secrets` is a JSON list so a rotated secret keeps signing beside the new one for a while.
 * Deliveries of one (endpoint, payment) go out in `seq` order, the order they were queued: for a
 * payment's own events that is version order (they are written under the payment's row lock), a
 * refund's events (which carry the refund's version) fall in where they happened, and a
 * redelivery joins the end of the line.
 */

const sqlite = `
CREATE TABLE webhook_endpoints (
  id                   TEXT    NOT NULL PRIMARY KEY,
  merchant_id          TEXT    NOT NULL,
  url                  TEXT    NOT NULL,
  secrets              TEXT    NOT NULL,
  status               TEXT    NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  failing_since        BIGINT,
  disabled_at          BIGINT,
  created_at           BIGINT  NOT NULL,
  updated_at           BIGINT  NOT NULL
);
CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (merchant_id, created_at);

CREATE TABLE webhook_deliveries (
  seq              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  id               TEXT    NOT NULL UNIQUE,
  event_id         TEXT    NOT NULL REFERENCES events (id),
  endpoint_id      TEXT    NOT NULL REFERENCES webhook_endpoints (id),
  payment_id       TEXT    NOT NULL,
  version          BIGINT  NOT NULL,
  status           TEXT    NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  BIGINT  NOT NULL,
  lease_owner      TEXT,
  lease_until      BIGINT,
  last_status_code INTEGER,
  last_error       TEXT,
  created_at       BIGINT  NOT NULL,
  completed_at     BIGINT
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_line_idx ON webhook_deliveries (endpoint_id, payment_id, status);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
`;

const postgres = `
CREATE TABLE webhook_endpoints (
  id                   TEXT    NOT NULL,
  merchant_id          TEXT    NOT NULL,
  url                  TEXT    NOT NULL,
  secrets              JSONB   NOT NULL,
  status               TEXT    NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  failing_since        BIGINT,
  disabled_at          BIGINT,
  created_at           BIGINT  NOT NULL,
  updated_at           BIGINT  NOT NULL,
  CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (id)
);
CREATE INDEX webhook_endpoints_merchant_idx ON webhook_endpoints (merchant_id, created_at);

CREATE TABLE webhook_deliveries (
  seq              BIGINT  GENERATED ALWAYS AS IDENTITY,
  id               TEXT    NOT NULL,
  event_id         TEXT    NOT NULL REFERENCES events (id),
  endpoint_id      TEXT    NOT NULL REFERENCES webhook_endpoints (id),
  payment_id       TEXT    NOT NULL,
  version          BIGINT  NOT NULL,
  status           TEXT    NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  BIGINT  NOT NULL,
  lease_owner      TEXT,
  lease_until      BIGINT,
  last_status_code INTEGER,
  last_error       TEXT,
  created_at       BIGINT  NOT NULL,
  completed_at     BIGINT,
  CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_deliveries_seq_key UNIQUE (seq)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_line_idx ON webhook_deliveries (endpoint_id, payment_id, status);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
`;

export const webhooks: Migration = { version: 2, name: 'webhooks', sqlite, postgres };
