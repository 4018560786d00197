import type { Migration } from './types.js';

/*
 * Conventions: amounts and epoch-millisecond timestamps are BIGINT; JSON is TEXT on SQLite and
 * JSONB on PostgreSQL. Constraint names follow PostgreSQL's defaults (`<table>_pkey`,
 * `<table>_<columns>_key`); the SQLite store derives the same names from its error messages, so
 * callers see one name per constraint on both (see ../constraints.ts).
 */

const sqlite = `
CREATE TABLE payments (
  id              TEXT    NOT NULL PRIMARY KEY,
  merchant_id     TEXT    NOT NULL,
  order_id        TEXT    NOT NULL,
  connector       TEXT    NOT NULL,
  amount          BIGINT  NOT NULL,
  currency        TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  machine_version INTEGER NOT NULL,
  snapshot        TEXT    NOT NULL,
  version         BIGINT  NOT NULL,
  method          TEXT    NOT NULL,
  customer_email  TEXT    NOT NULL,
  confirmation    TEXT    NOT NULL,
  description     TEXT,
  metadata        TEXT,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  UNIQUE (merchant_id, order_id)
);
CREATE INDEX payments_merchant_created_idx ON payments (merchant_id, created_at DESC, id DESC);
CREATE INDEX payments_status_idx ON payments (status);

CREATE TABLE refunds (
  id              TEXT    NOT NULL PRIMARY KEY,
  payment_id      TEXT    NOT NULL REFERENCES payments (id),
  merchant_id     TEXT    NOT NULL,
  amount          BIGINT  NOT NULL,
  currency        TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  machine_version INTEGER NOT NULL,
  snapshot        TEXT    NOT NULL,
  version         BIGINT  NOT NULL,
  reason          TEXT,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL
);
CREATE INDEX refunds_payment_idx ON refunds (payment_id, created_at);

CREATE TABLE history (
  seq          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  payment_id   TEXT    NOT NULL REFERENCES payments (id),
  aggregate_id TEXT    NOT NULL,
  at           BIGINT  NOT NULL,
  kind         TEXT    NOT NULL,
  from_state   TEXT,
  to_state     TEXT,
  data         TEXT    NOT NULL
);
CREATE INDEX history_payment_idx ON history (payment_id, seq);

CREATE TABLE commands (
  id             TEXT    NOT NULL PRIMARY KEY,
  aggregate_id   TEXT    NOT NULL,
  aggregate_kind TEXT    NOT NULL,
  payment_id     TEXT    NOT NULL REFERENCES payments (id),
  kind           TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  reference      TEXT    NOT NULL,
  spec           TEXT    NOT NULL,
  status         TEXT    NOT NULL,
  attempts       INTEGER NOT NULL,
  available_at   BIGINT  NOT NULL,
  lease_owner    TEXT,
  lease_until    BIGINT,
  outcome        TEXT,
  created_at     BIGINT  NOT NULL,
  completed_at   BIGINT
);
CREATE INDEX commands_status_available_idx ON commands (status, available_at);
CREATE INDEX commands_status_lease_idx ON commands (status, lease_until);
CREATE INDEX commands_reference_idx ON commands (reference);
CREATE INDEX commands_aggregate_idx ON commands (aggregate_id, created_at);

CREATE TABLE timers (
  aggregate_id   TEXT   NOT NULL,
  aggregate_kind TEXT   NOT NULL,
  name           TEXT   NOT NULL,
  due_at         BIGINT NOT NULL,
  PRIMARY KEY (aggregate_id, name)
);
CREATE INDEX timers_due_idx ON timers (due_at);

CREATE TABLE events (
  id          TEXT   NOT NULL PRIMARY KEY,
  merchant_id TEXT   NOT NULL,
  type        TEXT   NOT NULL,
  payment_id  TEXT   NOT NULL REFERENCES payments (id),
  refund_id   TEXT,
  version     BIGINT NOT NULL,
  data        TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX events_merchant_created_idx ON events (merchant_id, created_at DESC, id DESC);
CREATE INDEX events_payment_idx ON events (payment_id);

CREATE TABLE idempotency (
  merchant_id     TEXT    NOT NULL,
  key             TEXT    NOT NULL,
  request_hash    TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  response_status INTEGER,
  response_body   TEXT,
  created_at      BIGINT  NOT NULL,
  PRIMARY KEY (merchant_id, key)
);

CREATE TABLE otps (
  payment_id TEXT   NOT NULL PRIMARY KEY REFERENCES payments (id),
  code_hash  TEXT   NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
`;

const postgres = `
CREATE TABLE payments (
  id              TEXT    NOT NULL,
  merchant_id     TEXT    NOT NULL,
  order_id        TEXT    NOT NULL,
  connector       TEXT    NOT NULL,
  amount          BIGINT  NOT NULL,
  currency        TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  machine_version INTEGER NOT NULL,
  snapshot        JSONB   NOT NULL,
  version         BIGINT  NOT NULL,
  method          JSONB   NOT NULL,
  customer_email  TEXT    NOT NULL,
  confirmation    TEXT    NOT NULL,
  description     TEXT,
  metadata        JSONB,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  CONSTRAINT payments_pkey PRIMARY KEY (id),
  CONSTRAINT payments_merchant_id_order_id_key UNIQUE (merchant_id, order_id)
);
CREATE INDEX payments_merchant_created_idx ON payments (merchant_id, created_at DESC, id DESC);
CREATE INDEX payments_status_idx ON payments (status);

CREATE TABLE refunds (
  id              TEXT    NOT NULL,
  payment_id      TEXT    NOT NULL REFERENCES payments (id),
  merchant_id     TEXT    NOT NULL,
  amount          BIGINT  NOT NULL,
  currency        TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  machine_version INTEGER NOT NULL,
  snapshot        JSONB   NOT NULL,
  version         BIGINT  NOT NULL,
  reason          TEXT,
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL,
  CONSTRAINT refunds_pkey PRIMARY KEY (id)
);
CREATE INDEX refunds_payment_idx ON refunds (payment_id, created_at);

CREATE TABLE history (
  seq          BIGINT  GENERATED ALWAYS AS IDENTITY,
  payment_id   TEXT    NOT NULL REFERENCES payments (id),
  aggregate_id TEXT    NOT NULL,
  at           BIGINT  NOT NULL,
  kind         TEXT    NOT NULL,
  from_state   TEXT,
  to_state     TEXT,
  data         JSONB   NOT NULL,
  CONSTRAINT history_pkey PRIMARY KEY (seq)
);
CREATE INDEX history_payment_idx ON history (payment_id, seq);

CREATE TABLE commands (
  id             TEXT    NOT NULL,
  aggregate_id   TEXT    NOT NULL,
  aggregate_kind TEXT    NOT NULL,
  payment_id     TEXT    NOT NULL REFERENCES payments (id),
  kind           TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  reference      TEXT    NOT NULL,
  spec           JSONB   NOT NULL,
  status         TEXT    NOT NULL,
  attempts       INTEGER NOT NULL,
  available_at   BIGINT  NOT NULL,
  lease_owner    TEXT,
  lease_until    BIGINT,
  outcome        JSONB,
  created_at     BIGINT  NOT NULL,
  completed_at   BIGINT,
  CONSTRAINT commands_pkey PRIMARY KEY (id)
);
CREATE INDEX commands_status_available_idx ON commands (status, available_at);
CREATE INDEX commands_status_lease_idx ON commands (status, lease_until);
CREATE INDEX commands_reference_idx ON commands (reference);
CREATE INDEX commands_aggregate_idx ON commands (aggregate_id, created_at);

CREATE TABLE timers (
  aggregate_id   TEXT   NOT NULL,
  aggregate_kind TEXT   NOT NULL,
  name           TEXT   NOT NULL,
  due_at         BIGINT NOT NULL,
  CONSTRAINT timers_pkey PRIMARY KEY (aggregate_id, name)
);
CREATE INDEX timers_due_idx ON timers (due_at);

CREATE TABLE events (
  id          TEXT   NOT NULL,
  merchant_id TEXT   NOT NULL,
  type        TEXT   NOT NULL,
  payment_id  TEXT   NOT NULL REFERENCES payments (id),
  refund_id   TEXT,
  version     BIGINT NOT NULL,
  data        JSONB  NOT NULL,
  created_at  BIGINT NOT NULL,
  CONSTRAINT events_pkey PRIMARY KEY (id)
);
CREATE INDEX events_merchant_created_idx ON events (merchant_id, created_at DESC, id DESC);
CREATE INDEX events_payment_idx ON events (payment_id);

CREATE TABLE idempotency (
  merchant_id     TEXT    NOT NULL,
  key             TEXT    NOT NULL,
  request_hash    TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  response_status INTEGER,
  response_body   TEXT,
  created_at      BIGINT  NOT NULL,
  CONSTRAINT idempotency_pkey PRIMARY KEY (merchant_id, key)
);

CREATE TABLE otps (
  payment_id TEXT   NOT NULL REFERENCES payments (id),
  code_hash  TEXT   NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT otps_pkey PRIMARY KEY (payment_id)
);
`;

export const initial: Migration = { version: 1, name: 'initial', sqlite, postgres };
