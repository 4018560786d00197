import type { Migration } from './types.js';

/*
 * The batch rail's own records (src/batch): the transfer queue with each transfer's file, bank
 * status and settlement; the files built at cut-offs (every byte kept, with its SHA-256); the
 * ledger of files the bank sent (a file is applied once: its row and its effects commit together);
 * statements seen; reconciliation breaks, keyed so that a statement applied twice creates nothing
 * twice; and a per-connector name sequence so file names never repeat.
 *
 * File contents are kept as base64 TEXT: the only column type both dialects share without a
 * driver-specific binary path, and files are at most a few tens of MB.
 */

const both = (bigSerial: string) => `
CREATE TABLE batch_items (
  reference       TEXT    NOT NULL PRIMARY KEY,
  connector       TEXT    NOT NULL,
  payment_id      TEXT    NOT NULL,
  aggregate_id    TEXT    NOT NULL,
  flow            TEXT    NOT NULL,
  merchant_id     TEXT    NOT NULL,
  amount          BIGINT  NOT NULL,
  currency        TEXT    NOT NULL,
  direction       TEXT    NOT NULL,
  transfer        TEXT    NOT NULL,
  end_to_end_id   TEXT    NOT NULL,
  uetr            TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  reason_code     TEXT,
  reason          TEXT,
  settlement      TEXT    NOT NULL,
  queued_at       BIGINT  NOT NULL,
  cutoff_at       BIGINT  NOT NULL,
  execution_date  TEXT    NOT NULL,
  file_id         TEXT,
  message_id      TEXT,
  payment_info_id TEXT,
  settled_at      BIGINT,
  settlement_ref  TEXT,
  updated_at      BIGINT  NOT NULL
);
CREATE INDEX batch_items_queue_idx ON batch_items (connector, status, cutoff_at);
CREATE INDEX batch_items_e2e_idx ON batch_items (connector, end_to_end_id);
CREATE INDEX batch_items_file_idx ON batch_items (file_id);

CREATE TABLE batch_files (
  id              TEXT    NOT NULL PRIMARY KEY,
  connector       TEXT    NOT NULL,
  name            TEXT    NOT NULL,
  message_id      TEXT    NOT NULL,
  cutoff_at       BIGINT  NOT NULL,
  execution_date  TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  transactions    INTEGER NOT NULL,
  control_sum     TEXT    NOT NULL,
  sha256          TEXT    NOT NULL,
  size            BIGINT  NOT NULL,
  content         TEXT    NOT NULL,
  plain           TEXT,
  sidecar         TEXT,
  remote_name     TEXT,
  attempts        INTEGER NOT NULL,
  maybe_delivered INTEGER NOT NULL,
  last_error      TEXT,
  created_at      BIGINT  NOT NULL,
  uploaded_at     BIGINT,
  UNIQUE (connector, name),
  UNIQUE (connector, message_id)
);
CREATE INDEX batch_files_status_idx ON batch_files (connector, status);

CREATE TABLE batch_sequences (
  connector TEXT   NOT NULL PRIMARY KEY,
  next      BIGINT NOT NULL
);

CREATE TABLE batch_inbound (
  id          TEXT    NOT NULL PRIMARY KEY,
  connector   TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  size        BIGINT  NOT NULL,
  mtime       BIGINT  NOT NULL,
  sha256      TEXT    NOT NULL,
  message     TEXT,
  outcome     TEXT    NOT NULL,
  detail      TEXT,
  content     TEXT    NOT NULL,
  received_at BIGINT  NOT NULL,
  UNIQUE (connector, name, sha256)
);
CREATE INDEX batch_inbound_sha_idx ON batch_inbound (connector, sha256);

CREATE TABLE recon_statements (
  connector    TEXT   NOT NULL,
  statement_id TEXT   NOT NULL,
  report_date  TEXT   NOT NULL,
  inbound_id   TEXT,
  summary      TEXT   NOT NULL,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (connector, statement_id)
);

CREATE TABLE recon_breaks (
  seq         ${bigSerial},
  key         TEXT   NOT NULL UNIQUE,
  connector   TEXT   NOT NULL,
  report_date TEXT   NOT NULL,
  type        TEXT   NOT NULL,
  payment_id  TEXT,
  merchant_id TEXT,
  data        TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX recon_breaks_date_idx ON recon_breaks (report_date, seq);
`;

export const batch: Migration = {
  version: 4,
  name: 'batch-rail',
  sqlite: both('INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT'),
  postgres: both('BIGSERIAL PRIMARY KEY'),
};
