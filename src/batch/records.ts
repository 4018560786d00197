import { createHash } from 'node:crypto';
import type { Dialect, Row, SqlExecutor, SqlValue, Store } from '../store/types.js';
import { num, oneOf, optNum, optStr, str } from '../store/sql/columns.js';
import type { ReconciliationBreak } from './reconcile/index.js';

/*
 * The batch rail's records, written once for both SQL stores (see migration 0004). Every method
 * that changes state takes the open transaction's executor, so a caller can put several changes
 * (an inbound file's ledger row and everything it causes) into one commit.
 */

export type ItemStatus = 'queued' | 'filed' | 'sent' | 'pending' | 'accepted' | 'rejected' | 'not_sent';
/** `rejected`: the bank refused the transfer (pain.002 RJCT), so no money will move for it. */
export type Settlement = 'unsettled' | 'batched' | 'settled' | 'returned' | 'mismatch' | 'rejected';
export const ITEM_STATUSES: readonly ItemStatus[] = ['queued', 'filed', 'sent', 'pending', 'accepted', 'rejected', 'not_sent'];
export const SETTLEMENTS: readonly Settlement[] = ['unsettled', 'batched', 'settled', 'returned', 'mismatch', 'rejected'];
/** Statuses a pain.002 can no longer change: the bank has given its final word. */
export const FINAL_STATUSES: ReadonlySet<ItemStatus> = new Set(['accepted', 'rejected', 'not_sent']);

export interface Party {
  name: string;
  iban: string;
  bic?: string;
}

/** What travels in the file for one item; kept so the file can be built at the cut-off. */
export interface TransferData {
  debtor: Party;
  creditor: Party;
  remittance: string;
}

export interface BatchItem {
  reference: string;
  connector: string;
  paymentId: string;
  /** The payment or refund the engine command belongs to. */
  aggregateId: string;
  flow: 'transfer' | 'refund';
  merchantId: string;
  amount: number;
  currency: string;
  /** From our account's point of view: a payment collected is a credit, a refund paid out a debit. */
  direction: 'credit' | 'debit';
  transfer: TransferData;
  endToEndId: string;
  uetr: string;
  status: ItemStatus;
  reasonCode: string | null;
  reason: string | null;
  settlement: Settlement;
  queuedAt: number;
  cutoffAt: number;
  executionDate: string;
  fileId: string | null;
  messageId: string | null;
  paymentInfoId: string | null;
  settledAt: number | null;
  settlementRef: string | null;
  updatedAt: number;
}

export type FileStatus = 'built' | 'uploaded' | 'abandoned';

export interface BatchFile {
  id: string;
  connector: string;
  name: string;
  messageId: string;
  cutoffAt: number;
  executionDate: string;
  status: FileStatus;
  transactions: number;
  controlSum: string;
  sha256: string;
  size: number;
  /** The exact bytes uploaded (after signing or encryption). */
  content: Uint8Array;
  /** The pain.001 itself when `content` is protected (encrypted or wrapped), to read it back. */
  plain: Uint8Array | null;
  sidecar: Uint8Array | null;
  remoteName: string | null;
  attempts: number;
  /** An upload attempt failed after it may have reached the server: never conclude "not sent". */
  maybeDelivered: boolean;
  lastError: string | null;
  createdAt: number;
  uploadedAt: number | null;
}

export interface InboundRecord {
  id: string;
  connector: string;
  name: string;
  size: number;
  mtime: number;
  sha256: string;
  message: string | null;
  outcome: 'applied' | 'duplicate' | 'rejected';
  detail: string | null;
  receivedAt: number;
  /** SHA-256 of the detached signature (`.p7s`) archived with the file, when the bank sends one. */
  sidecarSha256?: string | null;
}

export interface BreakRecord {
  key: string;
  connector: string;
  reportDate: string;
  type: string;
  paymentId: string | null;
  merchantId: string | null;
  data: StoredBreak;
  createdAt: number;
}

/** A break as stored: the reconciliation's fields, the refund it concerns, the customer's account masked. */
export type StoredBreak = ReconciliationBreak & { refundId?: string; counterparty?: string };

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const b64 = (data: Uint8Array): string => Buffer.from(data).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

const ITEM_COLUMNS =
  'reference, connector, payment_id, aggregate_id, flow, merchant_id, amount, currency, direction, transfer, end_to_end_id, uetr, status, reason_code, reason, settlement, queued_at, cutoff_at, execution_date, file_id, message_id, payment_info_id, settled_at, settlement_ref, updated_at';

function decodeItem(r: Row): BatchItem {
  return {
    reference: str(r, 'reference'),
    connector: str(r, 'connector'),
    paymentId: str(r, 'payment_id'),
    aggregateId: str(r, 'aggregate_id'),
    flow: oneOf(r, 'flow', ['transfer', 'refund'] as const),
    merchantId: str(r, 'merchant_id'),
    amount: num(r, 'amount'),
    currency: str(r, 'currency'),
    direction: oneOf(r, 'direction', ['credit', 'debit'] as const),
    transfer: JSON.parse(str(r, 'transfer')) as TransferData,
    endToEndId: str(r, 'end_to_end_id'),
    uetr: str(r, 'uetr'),
    status: oneOf(r, 'status', ITEM_STATUSES),
    reasonCode: optStr(r, 'reason_code'),
    reason: optStr(r, 'reason'),
    settlement: oneOf(r, 'settlement', SETTLEMENTS),
    queuedAt: num(r, 'queued_at'),
    cutoffAt: num(r, 'cutoff_at'),
    executionDate: str(r, 'execution_date'),
    fileId: optStr(r, 'file_id'),
    messageId: optStr(r, 'message_id'),
    paymentInfoId: optStr(r, 'payment_info_id'),
    settledAt: optNum(r, 'settled_at'),
    settlementRef: optStr(r, 'settlement_ref'),
    updatedAt: num(r, 'updated_at'),
  };
}

function encodeItem(i: BatchItem): SqlValue[] {
  return [
    i.reference, i.connector, i.paymentId, i.aggregateId, i.flow, i.merchantId, i.amount, i.currency, i.direction,
    JSON.stringify(i.transfer), i.endToEndId, i.uetr, i.status, i.reasonCode, i.reason, i.settlement, i.queuedAt,
    i.cutoffAt, i.executionDate, i.fileId, i.messageId, i.paymentInfoId, i.settledAt, i.settlementRef, i.updatedAt,
  ];
}

const FILE_COLUMNS =
  'id, connector, name, message_id, cutoff_at, execution_date, status, transactions, control_sum, sha256, size, content, plain, sidecar, remote_name, attempts, maybe_delivered, last_error, created_at, uploaded_at';

function decodeFile(r: Row): BatchFile {
  const sidecar = optStr(r, 'sidecar');
  const plain = optStr(r, 'plain');
  return {
    id: str(r, 'id'),
    connector: str(r, 'connector'),
    name: str(r, 'name'),
    messageId: str(r, 'message_id'),
    cutoffAt: num(r, 'cutoff_at'),
    executionDate: str(r, 'execution_date'),
    status: oneOf(r, 'status', ['built', 'uploaded', 'abandoned'] as const),
    transactions: num(r, 'transactions'),
    controlSum: str(r, 'control_sum'),
    sha256: str(r, 'sha256'),
    size: num(r, 'size'),
    content: unb64(str(r, 'content')),
    plain: plain === null ? null : unb64(plain),
    sidecar: sidecar === null ? null : unb64(sidecar),
    remoteName: optStr(r, 'remote_name'),
    attempts: num(r, 'attempts'),
    maybeDelivered: num(r, 'maybe_delivered') === 1,
    lastError: optStr(r, 'last_error'),
    createdAt: num(r, 'created_at'),
    uploadedAt: optNum(r, 'uploaded_at'),
  };
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Reads on committed data plus the writes, each taking the caller's transaction. */
export class BatchRecords {
  constructor(
    readonly store: Store,
    readonly connector: string,
  ) {}

  transaction<T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T> {
    return this.store.sqlTransaction(fn);
  }

  // ---- items -------------------------------------------------------------------------------

  /** Inserts the item unless its reference is queued already; returns the stored one either way. */
  async enqueue(db: SqlExecutor, item: BatchItem): Promise<{ item: BatchItem; created: boolean }> {
    const existing = await this.itemIn(db, item.reference);
    if (existing) return { item: existing, created: false };
    await db.run(`INSERT INTO batch_items (${ITEM_COLUMNS}) VALUES (${placeholders(25)})`, encodeItem(item));
    return { item, created: true };
  }

  async itemIn(db: SqlExecutor, reference: string): Promise<BatchItem | null> {
    const rows = await db.all('SELECT * FROM batch_items WHERE reference = ?', [reference]);
    return rows[0] ? decodeItem(rows[0]) : null;
  }

  async item(reference: string): Promise<BatchItem | null> {
    const rows = await this.store.sqlQuery('SELECT * FROM batch_items WHERE reference = ?', [reference]);
    return rows[0] ? decodeItem(rows[0]) : null;
  }

  /** Queued items whose cut-off has come, locked against other nodes running the same cut-off. */
  async claimDue(db: SqlExecutor, dialect: Dialect, now: number, limit: number): Promise<BatchItem[]> {
    const rows = await db.all(
      `SELECT * FROM batch_items WHERE connector = ? AND status = 'queued' AND cutoff_at <= ? ORDER BY cutoff_at, reference LIMIT ?${dialect.skipLocked}`,
      [this.connector, now, limit],
    );
    return rows.map(decodeItem);
  }

  async itemsByEndToEndId(db: SqlExecutor, endToEndIds: readonly string[]): Promise<Map<string, BatchItem>> {
    const out = new Map<string, BatchItem>();
    for (let i = 0; i < endToEndIds.length; i += 500) {
      const chunk = endToEndIds.slice(i, i + 500);
      const rows = await db.all(
        `SELECT * FROM batch_items WHERE connector = ? AND end_to_end_id IN (${placeholders(chunk.length)})`,
        [this.connector, ...chunk],
      );
      for (const r of rows) {
        const item = decodeItem(r);
        out.set(item.endToEndId, item);
      }
    }
    return out;
  }

  async itemsOfFile(db: SqlExecutor, fileId: string): Promise<BatchItem[]> {
    return (await db.all('SELECT * FROM batch_items WHERE file_id = ? ORDER BY reference', [fileId])).map(decodeItem);
  }

  /** Every item a statement may concern: all filed ones of this connector (bounded by retention). */
  async *itemsForReconciliation(db?: SqlExecutor): AsyncGenerator<BatchItem> {
    let after = '';
    for (;;) {
      const sql = `SELECT * FROM batch_items WHERE connector = ? AND file_id IS NOT NULL AND reference > ? ORDER BY reference LIMIT 5000`;
      const rows = db ? await db.all(sql, [this.connector, after]) : await this.store.sqlQuery(sql, [this.connector, after]);
      for (const r of rows) yield decodeItem(r);
      if (rows.length < 5000) return;
      after = str(rows[rows.length - 1] as Row, 'reference');
    }
  }

  async updateItem(db: SqlExecutor, reference: string, change: Partial<Pick<BatchItem, 'status' | 'reasonCode' | 'reason' | 'settlement' | 'executionDate' | 'fileId' | 'messageId' | 'paymentInfoId' | 'settledAt' | 'settlementRef'>>, at: number): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status', reasonCode: 'reason_code', reason: 'reason', settlement: 'settlement', executionDate: 'execution_date',
      fileId: 'file_id', messageId: 'message_id', paymentInfoId: 'payment_info_id', settledAt: 'settled_at', settlementRef: 'settlement_ref',
    };
    const sets: string[] = [];
    const params: SqlValue[] = [];
    for (const [key, value] of Object.entries(change)) {
      const column = columns[key];
      if (!column || value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(value as SqlValue);
    }
    sets.push('updated_at = ?');
    params.push(at, reference);
    await db.run(`UPDATE batch_items SET ${sets.join(', ')} WHERE reference = ?`, params);
  }

  // ---- files -------------------------------------------------------------------------------

  /** The next `count` numbers of this connector's file-name sequence (never reused, also across crashes). */
  async nextSequence(db: SqlExecutor, count = 1): Promise<number> {
    // One UPDATE takes the numbers: on PostgreSQL its row lock makes a second node wait for this
    // transaction, so two nodes never draw the same number.
    await db.run('INSERT INTO batch_sequences (connector, next) VALUES (?, 1) ON CONFLICT (connector) DO NOTHING', [this.connector]);
    const rows = await db.all('UPDATE batch_sequences SET next = next + ? WHERE connector = ? RETURNING next', [count, this.connector]);
    return num(rows[0] as Row, 'next') - count;
  }

  async insertFile(db: SqlExecutor, f: BatchFile): Promise<void> {
    await db.run(`INSERT INTO batch_files (${FILE_COLUMNS}) VALUES (${placeholders(20)})`, [
      f.id, f.connector, f.name, f.messageId, f.cutoffAt, f.executionDate, f.status, f.transactions, f.controlSum, f.sha256,
      f.size, b64(f.content), f.plain ? b64(f.plain) : null, f.sidecar ? b64(f.sidecar) : null, f.remoteName, f.attempts, f.maybeDelivered ? 1 : 0, f.lastError, f.createdAt, f.uploadedAt,
    ]);
  }

  async filesToUpload(): Promise<BatchFile[]> {
    const rows = await this.store.sqlQuery(`SELECT * FROM batch_files WHERE connector = ? AND status = 'built' ORDER BY created_at, id`, [this.connector]);
    return rows.map(decodeFile);
  }

  async fileByMessageId(db: SqlExecutor, messageId: string): Promise<BatchFile | null> {
    const rows = await db.all('SELECT * FROM batch_files WHERE connector = ? AND message_id = ?', [this.connector, messageId]);
    return rows[0] ? decodeFile(rows[0]) : null;
  }

  /**
   * Takes the upload of a built file until `until`, unless another node holds it: true when this
   * node may upload now. The lease ends with `markFile` (any outcome) or by running out.
   */
  async leaseFile(id: string, now: number, until: number): Promise<boolean> {
    const changed = await this.transaction((db) =>
      db.run("UPDATE batch_files SET lease_until = ? WHERE id = ? AND status = 'built' AND (lease_until IS NULL OR lease_until <= ?)", [until, id, now]),
    );
    return changed === 1;
  }

  async markFile(
    db: SqlExecutor,
    id: string,
    change: { status?: FileStatus; remoteName?: string; attempts?: number; maybeDelivered?: boolean; lastError?: string | null; uploadedAt?: number },
    opts: { keepLease?: boolean } = {},
  ): Promise<void> {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    if (change.maybeDelivered !== undefined) (sets.push('maybe_delivered = ?'), params.push(change.maybeDelivered ? 1 : 0));
    if (change.status !== undefined) (sets.push('status = ?'), params.push(change.status));
    if (change.remoteName !== undefined) (sets.push('remote_name = ?'), params.push(change.remoteName));
    if (change.attempts !== undefined) (sets.push('attempts = ?'), params.push(change.attempts));
    if (change.lastError !== undefined) (sets.push('last_error = ?'), params.push(change.lastError));
    if (change.uploadedAt !== undefined) (sets.push('uploaded_at = ?'), params.push(change.uploadedAt));
    if (sets.length === 0) return;
    // whatever the outcome, this node is done with the file for now (unless it is still sending it)
    if (opts.keepLease !== true) sets.push('lease_until = NULL');
    params.push(id);
    await db.run(`UPDATE batch_files SET ${sets.join(', ')} WHERE id = ?`, params);
  }

  // ---- inbound ledger ----------------------------------------------------------------------

  /** The ledger row of this very file (same name, same bytes), if it was taken before. */
  async inbound(name: string, sha256: string): Promise<InboundRecord | null> {
    const rows = await this.store.sqlQuery('SELECT * FROM batch_inbound WHERE connector = ? AND name = ? AND sha256 = ?', [this.connector, name, sha256]);
    return rows[0] ? decodeInbound(rows[0]) : null;
  }

  /** A ledger row of this name whose listing (size, mtime) is the same: the file was taken already. */
  async inboundByListing(name: string, size: number, mtime: number): Promise<InboundRecord | null> {
    const rows = await this.store.sqlQuery('SELECT * FROM batch_inbound WHERE connector = ? AND name = ? AND size = ? AND mtime = ?', [this.connector, name, size, mtime]);
    return rows[0] ? decodeInbound(rows[0]) : null;
  }

  async setInboundDetail(db: SqlExecutor, id: string, detail: string): Promise<void> {
    await db.run('UPDATE batch_inbound SET detail = ? WHERE id = ?', [detail.slice(0, 500), id]);
  }

  /** Whether the same bytes arrived before under another name (a bank sending a file twice). */
  async sameContent(db: SqlExecutor, sha256: string): Promise<boolean> {
    const rows = await db.all("SELECT id FROM batch_inbound WHERE connector = ? AND sha256 = ? AND outcome <> 'rejected'", [this.connector, sha256]);
    return rows.length > 0;
  }

  /** The file's ledger row with its bytes, and its detached signature beside it when there is one. */
  async insertInbound(db: SqlExecutor, rec: InboundRecord, content: Uint8Array, sidecar?: Uint8Array): Promise<void> {
    await db.run(
      'INSERT INTO batch_inbound (id, connector, name, size, mtime, sha256, message, outcome, detail, content, received_at, sidecar, sidecar_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [rec.id, rec.connector, rec.name, rec.size, rec.mtime, rec.sha256, rec.message, rec.outcome, rec.detail, b64(content), rec.receivedAt, sidecar ? b64(sidecar) : null, sidecar ? sha256Hex(sidecar) : null],
    );
  }

  /** The archived detached signature of an inbound file, if it came with one. */
  async inboundSidecar(id: string): Promise<Uint8Array | null> {
    const rows = await this.store.sqlQuery('SELECT sidecar FROM batch_inbound WHERE connector = ? AND id = ?', [this.connector, id]);
    const v = rows[0] ? optStr(rows[0], 'sidecar') : null;
    return v === null ? null : unb64(v);
  }

  async listInbound(limit = 100): Promise<InboundRecord[]> {
    const rows = await this.store.sqlQuery('SELECT * FROM batch_inbound WHERE connector = ? ORDER BY received_at DESC, id DESC LIMIT ?', [this.connector, limit]);
    return rows.map(decodeInbound);
  }

  // ---- reconciliation ----------------------------------------------------------------------

  /** False when this statement was applied before (a statement applied twice creates nothing twice). */
  async insertStatement(db: SqlExecutor, statementId: string, reportDate: string, inboundId: string | null, summary: unknown, at: number): Promise<boolean> {
    const rows = await db.all('SELECT statement_id FROM recon_statements WHERE connector = ? AND statement_id = ?', [this.connector, statementId]);
    if (rows.length > 0) return false;
    await db.run('INSERT INTO recon_statements (connector, statement_id, report_date, inbound_id, summary, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      this.connector, statementId, reportDate, inboundId, JSON.stringify(summary), at,
    ]);
    return true;
  }

  /** The highest electronic sequence number among this connector's statements of one kind (053, 054...), if any. */
  async lastStatementSequence(db: SqlExecutor, family: string): Promise<number | null> {
    // statements come about once a day per account: reading their summaries is cheap
    const rows = await db.all('SELECT summary FROM recon_statements WHERE connector = ? AND statement_id LIKE ?', [this.connector, `${family}:%`]);
    let max: number | null = null;
    for (const r of rows) {
      const seq = (JSON.parse(str(r, 'summary')) as { statement?: { sequence?: unknown } }).statement?.sequence;
      if (typeof seq === 'string' && /^\d{1,15}$/.test(seq) && (max === null || Number(seq) > max)) max = Number(seq);
    }
    return max;
  }

  /** False when a break with this key exists already. */
  async insertBreak(db: SqlExecutor, b: BreakRecord): Promise<boolean> {
    const rows = await db.all('SELECT key FROM recon_breaks WHERE key = ?', [b.key]);
    if (rows.length > 0) return false;
    await db.run('INSERT INTO recon_breaks (key, connector, report_date, type, payment_id, merchant_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      b.key, b.connector, b.reportDate, b.type, b.paymentId, b.merchantId, JSON.stringify(b.data), b.createdAt,
    ]);
    return true;
  }
}

function decodeInbound(r: Row): InboundRecord {
  return {
    id: str(r, 'id'),
    connector: str(r, 'connector'),
    name: str(r, 'name'),
    size: num(r, 'size'),
    mtime: num(r, 'mtime'),
    sha256: str(r, 'sha256'),
    message: optStr(r, 'message'),
    outcome: oneOf(r, 'outcome', ['applied', 'duplicate', 'rejected'] as const),
    detail: optStr(r, 'detail'),
    receivedAt: num(r, 'received_at'),
    sidecarSha256: optStr(r, 'sidecar_sha256'),
  };
}

export function decodeBreak(r: Row): BreakRecord {
  return {
    key: str(r, 'key'),
    connector: str(r, 'connector'),
    reportDate: str(r, 'report_date'),
    type: str(r, 'type'),
    paymentId: optStr(r, 'payment_id'),
    merchantId: optStr(r, 'merchant_id'),
    data: JSON.parse(str(r, 'data')) as StoredBreak,
    createdAt: num(r, 'created_at'),
  };
}

/** The batch item of a payment's transfer, whatever its connector (the API shows it), or null. */
export async function transferItemOf(store: Store, paymentId: string): Promise<BatchItem | null> {
  const rows = await store.sqlQuery("SELECT * FROM batch_items WHERE payment_id = ? AND flow = 'transfer' ORDER BY queued_at DESC LIMIT 1", [paymentId]);
  return rows[0] ? decodeItem(rows[0]) : null;
}

/** Reports across connectors (the API and the CLI read them by date). */
export async function breaksOn(store: Store, reportDate: string, filter: { merchantId?: string; connectors?: readonly string[] } = {}): Promise<BreakRecord[]> {
  const rows = await store.sqlQuery('SELECT * FROM recon_breaks WHERE report_date = ? ORDER BY seq', [reportDate]);
  return rows
    .map(decodeBreak)
    .filter((b) => (filter.connectors ? filter.connectors.includes(b.connector) : true))
    // a merchant's filter is strict: account-level breaks (no merchant) are the operator's, never a merchant's
    .filter((b) => (filter.merchantId === undefined ? true : b.merchantId === filter.merchantId));
}

export async function statementsOn(store: Store, reportDate: string): Promise<{ connector: string; statementId: string; summary: unknown }[]> {
  const rows = await store.sqlQuery('SELECT * FROM recon_statements WHERE report_date = ? ORDER BY created_at', [reportDate]);
  return rows.map((r) => ({ connector: str(r, 'connector'), statementId: str(r, 'statement_id'), summary: JSON.parse(str(r, 'summary')) as unknown }));
}
