import { GENESIS, UNKEYED_AUDIT_KEYRING, headMac, rowHash, type AuditKeyring } from '../audit-chain.js';
import type {
  AggregateUpdate,
  ClaimOptions,
  CommandClaim,
  CommandRecord,
  EventRecord,
  HistoryRecord,
  IdempotencyEffectKind,
  IdempotencyRecord,
  Json,
  OtpRecord,
  PaymentRecord,
  RefundRecord,
  StoreTx,
  TimerRecord,
  WebhookAttemptUpdate,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../types.js';
import {
  COMMAND_COLUMNS,
  EVENT_COLUMNS,
  HISTORY_INSERT_COLUMNS,
  IDEMPOTENCY_COLUMNS,
  PAYMENT_COLUMNS,
  REFUND_COLUMNS,
  decodeCommand,
  decodeIdempotency,
  decodeOtp,
  decodePayment,
  decodeRefund,
  decodeTimer,
  encodeCommand,
  encodeEvent,
  encodeHistory,
  encodeIdempotency,
  encodePayment,
  encodeRefund,
  placeholders,
} from './codec.js';
import type { Dialect, SqlExecutor } from './executor.js';
import { selectRefundsOf } from './reads.js';
import { DELIVERY_COLUMNS, ENDPOINT_COLUMNS, decodeDelivery, decodeEndpoint, encodeDelivery, encodeEndpoint } from './webhook-codec.js';

/** Thrown when an update names a row that does not exist: a runner bug, never a normal outcome. */
export class MissingRow extends Error {
  constructor(table: string, id: string) {
    super(`${table}: no row ${id}`);
  }
}

/** StoreTx over any executor already inside a transaction; the stores own BEGIN/COMMIT. */
export class SqlStoreTx implements StoreTx {
  constructor(
    private readonly db: SqlExecutor,
    private readonly dialect: Dialect,
    private readonly auditKeys: AuditKeyring = UNKEYED_AUDIT_KEYRING,
  ) {}

  async insertPayment(p: PaymentRecord): Promise<void> {
    await this.db.run(`INSERT INTO payments (${PAYMENT_COLUMNS}) VALUES (${placeholders(18)})`, encodePayment(p));
  }

  async lockPayment(id: string): Promise<PaymentRecord | null> {
    const rows = await this.db.all(`SELECT * FROM payments WHERE id = ?${this.dialect.lockRow}`, [id]);
    return rows[0] ? decodePayment(rows[0]) : null;
  }

  async updatePayment(id: string, u: AggregateUpdate): Promise<void> {
    await this.updateAggregate('payments', id, u);
  }

  async insertRefund(r: RefundRecord): Promise<void> {
    await this.db.run(`INSERT INTO refunds (${REFUND_COLUMNS}) VALUES (${placeholders(13)})`, encodeRefund(r));
  }

  async lockRefund(id: string): Promise<RefundRecord | null> {
    const rows = await this.db.all(`SELECT * FROM refunds WHERE id = ?${this.dialect.lockRow}`, [id]);
    return rows[0] ? decodeRefund(rows[0]) : null;
  }

  async getRefund(id: string): Promise<RefundRecord | null> {
    const rows = await this.db.all('SELECT * FROM refunds WHERE id = ?', [id]);
    return rows[0] ? decodeRefund(rows[0]) : null;
  }

  async updateRefund(id: string, u: AggregateUpdate): Promise<void> {
    await this.updateAggregate('refunds', id, u);
  }

  listRefunds(paymentId: string): Promise<RefundRecord[]> {
    return selectRefundsOf(this.db, paymentId);
  }

  /**
   * Appends to the payment's keyed chain (src/store/audit-chain.ts). The link comes from the head
   * on the payment row, locked here, not from the last history row: a deleted tail row then stays
   * visible (the next row's position and link point past it), and refund and payment events that
   * append to one chain concurrently are serialised by the row lock.
   */
  async appendHistory(h: HistoryRecord): Promise<void> {
    const heads = await this.db.all(`SELECT audit_count, audit_hash, audit_legacy_count FROM payments WHERE id = ?${this.dialect.lockRow}`, [h.paymentId]);
    const head = heads[0];
    if (!head) throw new MissingRow('payments', h.paymentId);
    let count = head['audit_count'] === null || head['audit_count'] === undefined ? null : Number(head['audit_count']);
    let prev = (head['audit_hash'] as string | null | undefined) ?? null;
    if (count === null) {
      // first keyed row: link to the last legacy row (if any) so it seals the legacy segment
      count = Number(head['audit_legacy_count'] ?? 0);
      const last = count > 0 ? await this.db.all('SELECT hash FROM history WHERE payment_id = ? ORDER BY seq DESC LIMIT 1', [h.paymentId]) : [];
      prev = (last[0]?.['hash'] as string | null | undefined) ?? GENESIS;
    }
    const keyId = this.auditKeys.activeId;
    const index = count + 1;
    const hash = rowHash(this.auditKeys, keyId, index, prev ?? GENESIS, h) as string;
    await this.db.run(
      `INSERT INTO history (${HISTORY_INSERT_COLUMNS}) VALUES (${placeholders(11)})`,
      encodeHistory(h, { prevHash: prev ?? GENESIS, hash, index, keyId }),
    );
    await this.db.run('UPDATE payments SET audit_count = ?, audit_hash = ?, audit_mac = ?, audit_key_id = ? WHERE id = ?', [
      index,
      hash,
      headMac(this.auditKeys, keyId, h.paymentId, index, hash),
      keyId,
      h.paymentId,
    ]);
  }

  async insertCommand(c: CommandRecord): Promise<void> {
    await this.db.run(`INSERT INTO commands (${COMMAND_COLUMNS}) VALUES (${placeholders(16)})`, encodeCommand(c));
  }

  async claimCommands(o: ClaimOptions): Promise<CommandRecord[]> {
    // MATERIALIZED: the pick runs exactly once; an IN (subquery ... LIMIT) may be re-evaluated by
    // the PostgreSQL planner and, with SKIP LOCKED, claim more rows than the limit.
    const rows = await this.db.all(
      `WITH picked AS MATERIALIZED (
         SELECT id FROM commands
         WHERE status = 'pending' AND available_at <= ?
         ORDER BY available_at, id
         LIMIT ?${this.dialect.skipLocked}
       )
       UPDATE commands
       SET status = 'in_flight', lease_owner = ?, lease_until = ?, attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
       RETURNING *`,
      [o.now, o.limit, o.owner, o.now + o.leaseMs],
    );
    return rows.map(decodeCommand).sort(byAvailability);
  }

  async claimExpiredLeases(now: number, limit: number): Promise<CommandRecord[]> {
    const rows = await this.db.all(
      `SELECT * FROM commands
       WHERE status = 'in_flight' AND lease_until <= ?
       ORDER BY lease_until, id
       LIMIT ?${this.dialect.skipLocked}`,
      [now, limit],
    );
    return rows.map(decodeCommand);
  }

  async getCommand(id: string): Promise<CommandRecord | null> {
    const rows = await this.db.all('SELECT * FROM commands WHERE id = ?', [id]);
    return rows[0] ? decodeCommand(rows[0]) : null;
  }

  async finishCommand(claim: CommandClaim, outcome: Json | null, at: number): Promise<boolean> {
    // lease_owner stays: it records which process ran the command.
    const changed = await this.db.run(
      `UPDATE commands SET status = 'done', outcome = ?, completed_at = ?, lease_until = NULL
       WHERE id = ? AND status = 'in_flight' AND lease_owner = ? AND attempts = ?`,
      [outcome === null ? null : JSON.stringify(outcome), at, claim.id, claim.owner, claim.attempt],
    );
    return changed === 1;
  }

  async requeueCommand(claim: CommandClaim, availableAt: number): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE commands SET status = 'pending', available_at = ?, lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND status = 'in_flight' AND lease_owner = ? AND attempts = ?`,
      [availableAt, claim.id, claim.owner, claim.attempt],
    );
    return changed === 1;
  }

  async expireCommand(id: string, now: number, change: { lost: Json } | { requeueAt: number }): Promise<boolean> {
    const changed =
      'lost' in change
        ? await this.db.run(
            `UPDATE commands SET status = 'lost', outcome = ?, completed_at = ?, lease_until = NULL
             WHERE id = ? AND status = 'in_flight' AND lease_until <= ?`,
            [JSON.stringify(change.lost), now, id, now],
          )
        : await this.db.run(
            `UPDATE commands SET status = 'pending', available_at = ?, lease_owner = NULL, lease_until = NULL
             WHERE id = ? AND status = 'in_flight' AND lease_until <= ?`,
            [change.requeueAt, id, now],
          );
    return changed === 1;
  }

  async upsertTimer(t: TimerRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO timers (aggregate_id, aggregate_kind, name, due_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (aggregate_id, name) DO UPDATE SET due_at = excluded.due_at, aggregate_kind = excluded.aggregate_kind`,
      [t.aggregateId, t.aggregateKind, t.name, t.dueAt],
    );
  }

  async deleteTimers(aggregateId: string): Promise<void> {
    await this.db.run('DELETE FROM timers WHERE aggregate_id = ?', [aggregateId]);
  }

  async deleteTimer(aggregateId: string, name: string): Promise<void> {
    await this.db.run('DELETE FROM timers WHERE aggregate_id = ? AND name = ?', [aggregateId, name]);
  }

  async claimDueTimer(now: number): Promise<TimerRecord | null> {
    const rows = await this.db.all(
      `SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at, aggregate_id, name LIMIT 1${this.dialect.skipLocked}`,
      [now],
    );
    return rows[0] ? decodeTimer(rows[0]) : null;
  }

  async takeTimer(aggregateId: string, name: string, now: number): Promise<boolean> {
    const changed = await this.db.run('DELETE FROM timers WHERE aggregate_id = ? AND name = ? AND due_at <= ?', [aggregateId, name, now]);
    return changed === 1;
  }

  async hasOpenWork(aggregateId: string): Promise<boolean> {
    const rows = await this.db.all(
      `SELECT EXISTS (SELECT 1 FROM timers WHERE aggregate_id = ?)
           OR EXISTS (SELECT 1 FROM commands WHERE aggregate_id = ? AND status IN ('pending', 'in_flight')) AS open`,
      [aggregateId, aggregateId],
    );
    const v = rows[0]?.['open'];
    return v === true || v === 1;
  }

  async insertEvent(e: EventRecord): Promise<void> {
    await this.db.run(`INSERT INTO events (${EVENT_COLUMNS}) VALUES (${placeholders(8)})`, encodeEvent(e));
  }

  async getIdempotency(merchantId: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await this.db.all('SELECT * FROM idempotency WHERE merchant_id = ? AND key = ?', [merchantId, key]);
    return rows[0] ? decodeIdempotency(rows[0]) : null;
  }

  async insertIdempotency(r: IdempotencyRecord): Promise<boolean> {
    // DO NOTHING rather than catching the violation: on PostgreSQL a failed INSERT would abort the
    // whole transaction, and the caller still needs it to answer 409 or replay.
    const inserted = await this.db.run(
      `INSERT INTO idempotency (${IDEMPOTENCY_COLUMNS}) VALUES (${placeholders(10)})
       ON CONFLICT (merchant_id, key) DO NOTHING`,
      encodeIdempotency(r),
    );
    return inserted === 1;
  }

  async completeIdempotency(merchantId: string, key: string, owner: string, status: number, body: string): Promise<boolean> {
    // Only the holder, only once: a request whose key was taken over must not overwrite the answer.
    const changed = await this.db.run(
      "UPDATE idempotency SET state = 'done', response_status = ?, response_body = ? WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight'",
      [status, body, merchantId, key, owner],
    );
    return changed === 1;
  }

  async bindIdempotency(
    merchantId: string,
    key: string,
    owner: string,
    effect: { kind: IdempotencyEffectKind; id: string },
    response?: { status: number; body: string },
  ): Promise<boolean> {
    const changed = response
      ? await this.db.run(
          `UPDATE idempotency SET effect_kind = ?, effect_id = ?, state = 'done', response_status = ?, response_body = ?
           WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight' AND effect_id IS NULL`,
          [effect.kind, effect.id, response.status, response.body, merchantId, key, owner],
        )
      : await this.db.run(
          `UPDATE idempotency SET effect_kind = ?, effect_id = ?
           WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight' AND effect_id IS NULL`,
          [effect.kind, effect.id, merchantId, key, owner],
        );
    return changed === 1;
  }

  async takeOverIdempotency(merchantId: string, key: string, fromOwner: string, toOwner: string, at: number): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE idempotency SET owner = ?, created_at = ?
       WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight' AND effect_id IS NULL`,
      [toOwner, at, merchantId, key, fromOwner],
    );
    return changed === 1;
  }

  async releaseIdempotency(merchantId: string, key: string, owner: string): Promise<boolean> {
    const changed = await this.db.run(
      "DELETE FROM idempotency WHERE merchant_id = ? AND key = ? AND owner = ? AND state = 'in_flight' AND effect_id IS NULL",
      [merchantId, key, owner],
    );
    return changed === 1;
  }

  async deleteIdempotency(merchantId: string, key: string): Promise<void> {
    await this.db.run('DELETE FROM idempotency WHERE merchant_id = ? AND key = ?', [merchantId, key]);
  }

  async putOtp(o: OtpRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO otps (payment_id, code_hash, expires_at, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (payment_id) DO UPDATE
       SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, created_at = excluded.created_at`,
      [o.paymentId, o.codeHash, o.expiresAt, o.createdAt],
    );
  }

  async getOtp(paymentId: string): Promise<OtpRecord | null> {
    const rows = await this.db.all('SELECT * FROM otps WHERE payment_id = ?', [paymentId]);
    return rows[0] ? decodeOtp(rows[0]) : null;
  }

  async deleteOtp(paymentId: string): Promise<void> {
    await this.db.run('DELETE FROM otps WHERE payment_id = ?', [paymentId]);
  }

  async insertWebhookEndpoint(e: WebhookEndpointRecord): Promise<void> {
    await this.db.run(`INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS}) VALUES (${placeholders(11)})`, encodeEndpoint(e));
  }

  async lockWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null> {
    const rows = await this.db.all(`SELECT * FROM webhook_endpoints WHERE id = ?${this.dialect.lockRow}`, [id]);
    return rows[0] ? decodeEndpoint(rows[0]) : null;
  }

  async updateWebhookEndpoint(e: WebhookEndpointRecord): Promise<void> {
    const changed = await this.db.run(
      `UPDATE webhook_endpoints
       SET url = ?, secrets = ?, signing_keys = ?, status = ?, consecutive_failures = ?, failing_since = ?, disabled_at = ?, updated_at = ?
       WHERE id = ?`,
      [e.url, JSON.stringify(e.secrets), JSON.stringify(e.signingKeys ?? []), e.status, e.consecutiveFailures, e.failingSince, e.disabledAt, e.updatedAt, e.id],
    );
    if (changed === 0) throw new MissingRow('webhook_endpoints', e.id);
  }

  async listWebhookEndpointsIn(merchantId: string): Promise<WebhookEndpointRecord[]> {
    const rows = await this.db.all('SELECT * FROM webhook_endpoints WHERE merchant_id = ? ORDER BY created_at, id', [merchantId]);
    return rows.map(decodeEndpoint);
  }

  async insertWebhookDelivery(d: WebhookDeliveryRecord): Promise<void> {
    await this.db.run(`INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}) VALUES (${placeholders(14)})`, encodeDelivery(d));
  }

  async claimWebhookDeliveries(o: ClaimOptions): Promise<WebhookDeliveryRecord[]> {
    // A POST whose worker died is safe to repeat (receivers dedupe on webhook-id): put it back.
    await this.db.run(
      "UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL WHERE status = 'in_flight' AND lease_until <= ?",
      [o.now],
    );
    // Only the head of each (endpoint, payment) line qualifies: no in-flight sibling and no
    // pending sibling queued before it (seq). Under SKIP LOCKED a head locked by another claimer is
    // skipped, and its followers stay excluded because the head is still pending for them.
    // The endpoint filter is a subquery (not a join) so FOR UPDATE locks delivery rows only.
    const rows = await this.db.all(
      `WITH picked AS MATERIALIZED (
         SELECT d.id FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.next_attempt_at <= ?
           AND d.endpoint_id IN (SELECT id FROM webhook_endpoints WHERE status = 'enabled')
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries o
             WHERE o.endpoint_id = d.endpoint_id AND o.payment_id = d.payment_id AND o.id <> d.id
               AND (o.status = 'in_flight'
                    OR (o.status = 'pending' AND o.seq < d.seq))
           )
         ORDER BY d.next_attempt_at, d.id
         LIMIT ?${this.dialect.skipLocked}
       )
       UPDATE webhook_deliveries
       SET status = 'in_flight', lease_owner = ?, lease_until = ?, attempts = attempts + 1
       WHERE id IN (SELECT id FROM picked)
       RETURNING *`,
      [o.now, o.limit, o.owner, o.now + o.leaseMs],
    );
    return rows.map(decodeDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async recordWebhookAttempt(id: string, u: WebhookAttemptUpdate): Promise<void> {
    const done = u.status === 'pending' ? null : u.at;
    const changed = await this.db.run(
      `UPDATE webhook_deliveries
       SET status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, completed_at = ?, lease_until = NULL
       WHERE id = ?`,
      [u.status, u.nextAttemptAt, u.lastStatusCode, u.lastError, done, id],
    );
    if (changed === 0) throw new MissingRow('webhook_deliveries', id);
  }

  async rescheduleWebhookDeliveries(endpointId: string, at: number): Promise<number> {
    return this.db.run("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE endpoint_id = ? AND status = 'pending'", [at, endpointId]);
  }

  private async updateAggregate(table: 'payments' | 'refunds', id: string, u: AggregateUpdate): Promise<void> {
    const changed = await this.db.run(
      `UPDATE ${table} SET status = ?, state = ?, machine_version = ?, snapshot = ?, version = ?, updated_at = ? WHERE id = ?`,
      [u.status, u.state, u.machineVersion, JSON.stringify(u.snapshot), u.version, u.updatedAt, id],
    );
    if (changed === 0) throw new MissingRow(table, id);
  }
}

/** RETURNING gives no order guarantee; claimers expect the oldest due work first. */
function byAvailability(a: CommandRecord, b: CommandRecord): number {
  return a.availableAt - b.availableAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
