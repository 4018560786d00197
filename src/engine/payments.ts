import { supportsCurrency, type Connector, type ConnectorCapabilities, type MethodType } from '../connector/types.js';
import type { ConnectorSet } from '../connector/registry-types.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { isCurrency, isMinorAmount } from '../domain/money.js';
import { checkCardNumber, checkExpiry, checkIban, FieldError, last4, normaliseIban } from '../domain/payment-method.js';
import { Secret } from '../domain/secret.js';
import type { Vault } from '../domain/vault.js';
import type { Json, PaymentRecord, RefundRecord, Store, StoredMethod, StoreTx } from '../store/types.js';
import { UniqueViolation } from '../store/types.js';
import { EngineError, notFound } from './errors.js';
import { type PaymentPolicy, defaultPaymentPolicy } from './machine-types.js';
import { machineVersion, startMachine } from './machines.js';
import type { Merchant } from './merchants.js';
import { otpHash } from './outbox-worker.js';
import type { Applied, EventInput, Runner } from './runner.js';

export type PaymentMethodInput =
  | { type: 'card'; card: { number: string; exp_month: number; exp_year: number } }
  | { type: 'bank_account'; bank_account: { iban: string; name: string } }
  | { type: 'encrypted'; encrypted: string };

/** A clear method as decrypted from an `encrypted` payload (the trust module provides the decrypter). */
export type ClearMethod = Exclude<PaymentMethodInput, { type: 'encrypted' }>;

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  order_id: string;
  connector?: string;
  payment_method: PaymentMethodInput;
  customer: { email: string };
  confirmation?: 'otp' | 'none';
  description?: string;
  metadata?: Record<string, string>;
}

/**
 * Facts established before the payment exists (e.g. the verified order signature): each note
 * becomes a timeline row of kind 'note', written in the creating transaction so a payment never
 * exists without them.
 */
export interface CreateContext {
  notes?: Record<string, Json>[];
  onEffect?: EffectHook;
}

/**
 * Runs inside the transaction that commits a request's effect (the API binds the request's
 * Idempotency-Key there, so key and effect commit together or not at all). `refusal` is set when
 * the effect is itself a refusal (a wrong or expired one-time code counted against the payment);
 * throwing rolls the effect back.
 */
export type EffectHook = (tx: StoreTx, effect: { kind: 'payment' | 'refund'; id: string }, refusal?: EngineError) => Promise<void>;

export interface PaymentsOptions {
  store: Store;
  runner: Runner;
  clock: Clock;
  connectors: ConnectorSet;
  vault: Vault;
  policy?: Partial<PaymentPolicy>;
  refundWindowDays?: number;
  /** Decrypts `payment_method.type = "encrypted"`; absent until encryption keys are configured. */
  decryptMethod?: (payload: string, merchant: Merchant) => Promise<ClearMethod>;
}

const DAY = 86_400_000;

/**
 * The engine's use cases, called by the HTTP API (and by tests and the conformance kit directly).
 * Every state change goes through the runner; this layer validates, routes and authorises.
 */
export class Payments {
  readonly policy: PaymentPolicy;

  constructor(private readonly o: PaymentsOptions) {
    this.policy = { ...defaultPaymentPolicy, ...o.policy };
  }

  async create(merchant: Merchant, input: CreatePaymentInput, ctx: CreateContext = {}): Promise<PaymentRecord> {
    const now = this.o.clock.now();
    if (!isMinorAmount(input.amount) || input.amount === 0) {
      throw new EngineError(400, 'invalid_amount', 'amount must be a positive integer of minor units', 'amount');
    }
    if (!isCurrency(input.currency)) throw new EngineError(400, 'invalid_currency', 'currency is not an ISO 4217 code', 'currency');
    const method = await this.clearMethod(input.payment_method, merchant);
    const connector = this.route(merchant, method.type, input.connector);
    if (!supportsCurrency(connector.capabilities, input.currency)) {
      throw new EngineError(422, 'currency_not_supported', `connector ${connector.id} does not support ${input.currency}`, 'currency');
    }
    const caps = connector.capabilities.methods[method.type];
    if (!caps) throw new EngineError(422, 'payment_method_not_supported', `connector ${connector.id} does not take ${method.type}`, 'payment_method.type');
    const confirmation = input.confirmation ?? 'otp';
    if (confirmation === 'none' && !merchant.allowNoConfirmation) {
      throw new EngineError(403, 'confirmation_required', 'this merchant may not skip the customer confirmation', 'confirmation');
    }
    const id = newId('pay', now);
    const stored = this.seal(id, method, now, merchant.id);
    const first = startMachine('payment', {
      paymentId: id,
      amount: input.amount,
      currency: input.currency,
      steps: { verify: caps.verify, otp: confirmation === 'otp', authorize: caps.authorize, inquiry: caps.inquiry },
      policy: withHostPolicy(this.policy, connector.capabilities.reversal),
    });
    const record: PaymentRecord = {
      id,
      merchantId: merchant.id,
      orderId: input.order_id,
      connector: connector.id,
      amount: input.amount,
      currency: input.currency,
      status: first.status,
      state: first.state,
      machineVersion: machineVersion('payment'),
      snapshot: first.snapshot,
      version: 0,
      method: stored,
      customerEmail: input.customer.email,
      confirmation,
      description: input.description ?? null,
      metadata: input.metadata ?? null,
      createdAt: now,
      updatedAt: now,
    };
    let applied: Applied;
    try {
      applied = await this.o.store.transaction(async (tx) => {
        await tx.insertPayment(record);
        await this.o.runner.writeInitial(tx, 'payment', record, id, first);
        for (const data of ctx.notes ?? []) {
          await tx.appendHistory({ paymentId: id, aggregateId: id, at: now, kind: 'note', fromState: null, toState: first.state, data });
        }
        const started = await this.o.runner.applyInTx(tx, 'payment', id, { type: 'START' });
        await ctx.onEffect?.(tx, { kind: 'payment', id });
        return started;
      });
    } catch (err) {
      if (err instanceof UniqueViolation) {
        throw new EngineError(409, 'order_id_reused', 'this merchant has already used this order_id', 'order_id');
      }
      throw err;
    }
    this.o.runner.announce(applied);
    return this.mustGet(merchant, id);
  }

  async get(merchant: Merchant, id: string): Promise<PaymentRecord> {
    return this.mustGet(merchant, id);
  }

  async list(merchant: Merchant, q: { limit: number; startingAfter?: string; status?: string }) {
    return this.o.store.listPayments({ merchantId: merchant.id, ...q });
  }

  async timeline(merchant: Merchant, id: string) {
    await this.mustGet(merchant, id);
    return this.o.store.listHistory(id);
  }

  /** Checks a one-time code against its keyed hash; wrong codes count toward the limit. */
  async confirm(merchant: Merchant, id: string, otp: Secret<string>, onEffect?: EffectHook): Promise<PaymentRecord> {
    const p = await this.mustGet(merchant, id);
    if (p.state !== 'awaiting_confirmation') {
      throw new EngineError(409, 'payment_not_awaiting_confirmation', `payment is ${p.status}, not requires_confirmation`);
    }
    const now = this.o.clock.now();
    type Verdict = 'valid' | 'invalid' | 'expired' | 'not_sent';
    const box: { verdict: Verdict; refusal?: EngineError } = { verdict: 'invalid' };
    const applied = await this.o.store.transaction(async (tx) => {
      // the store may run this function again (deadlock retry): start from a clean verdict
      box.verdict = 'invalid';
      await tx.lockPayment(id);
      const stored = await tx.getOtp(id);
      let event: EventInput;
      if (!stored) {
        box.verdict = 'not_sent';
        return null;
      } else if (now >= stored.expiresAt) {
        box.verdict = 'expired';
        event = { type: 'TIMER', name: 'otp_expiry' };
      } else if (this.o.vault.macEquals('otp', `${id}:${otp.reveal()}`, stored.codeHash)) {
        box.verdict = 'valid';
        event = { type: 'OTP.VALID' };
        await tx.deleteOtp(id);
      } else {
        event = { type: 'OTP.INVALID' };
      }
      const result = await this.o.runner.applyInTx(tx, 'payment', id, event);
      // The refusal is decided here, with the attempt it counts, so it commits with it.
      if (box.verdict === 'expired') box.refusal = new EngineError(422, 'otp_expired', 'the one-time code has expired', 'otp');
      if (box.verdict === 'invalid') {
        const now = await tx.lockPayment(id);
        const used = Number(now?.snapshot.context.otpAttempts ?? 0);
        box.refusal = new EngineError(422, 'otp_invalid', 'the one-time code is wrong', 'otp', {
          attempts_remaining: Math.max(0, this.policy.otpMaxAttempts - used),
        });
      }
      await onEffect?.(tx, { kind: 'payment', id }, box.refusal);
      return result;
    });
    if (applied) this.o.runner.announce(applied);
    if (box.verdict === 'not_sent') throw new EngineError(409, 'otp_not_sent', 'the one-time code has not been sent yet; try again shortly');
    if (box.refusal) throw box.refusal;
    return this.mustGet(merchant, id);
  }

  async resendOtp(merchant: Merchant, id: string): Promise<PaymentRecord> {
    const p = await this.mustGet(merchant, id);
    if (p.state !== 'awaiting_confirmation') {
      throw new EngineError(409, 'payment_not_awaiting_confirmation', `payment is ${p.status}, not requires_confirmation`);
    }
    const applied = await this.o.runner.apply('payment', id, { type: 'OTP.RESEND' });
    if (!applied.changed) throw new EngineError(429, 'otp_resend_limit', 'no more one-time codes may be sent for this payment');
    return this.mustGet(merchant, id);
  }

  async cancel(merchant: Merchant, id: string, onEffect?: EffectHook): Promise<PaymentRecord> {
    const p = await this.mustGet(merchant, id);
    if (p.status === 'canceled') return p;
    const applied = await this.o.store.transaction(async (tx) => {
      const result = await this.o.runner.applyInTx(tx, 'payment', id, { type: 'CANCEL' });
      // Only a cancellation is an effect; a refusal changed nothing and is answered after commit.
      if (result.to === 'canceled') await onEffect?.(tx, { kind: 'payment', id });
      return result;
    });
    this.o.runner.announce(applied);
    if (applied.to !== 'canceled') {
      throw new EngineError(409, 'payment_not_cancelable', `a payment that is ${applied.status} can no longer be canceled`);
    }
    return this.mustGet(merchant, id);
  }

  async refund(merchant: Merchant, paymentId: string, input: { amount?: number; reason?: string }, onEffect?: EffectHook): Promise<RefundRecord> {
    const now = this.o.clock.now();
    const p = await this.mustGet(merchant, paymentId);
    const connector = this.o.connectors.get(p.connector);
    const refunds = connector?.capabilities.refunds;
    if (!connector || !refunds) throw new EngineError(422, 'refunds_not_supported', `connector ${p.connector} does not support refunds`);
    if (input.amount !== undefined && (!isMinorAmount(input.amount) || input.amount === 0)) {
      throw new EngineError(400, 'invalid_amount', 'amount must be a positive integer of minor units', 'amount');
    }
    const windowDays = merchant.refundWindowDays ?? this.o.refundWindowDays ?? refunds.windowDays;
    const id = newId('re', now);
    const applied = await this.o.store.transaction(async (tx) => {
      const locked = await tx.lockPayment(paymentId);
      if (!locked || locked.status !== 'succeeded') {
        throw new EngineError(409, 'payment_not_refundable', `only succeeded payments can be refunded; this one is ${locked?.status ?? 'missing'}`);
      }
      if (now - locked.updatedAt > windowDays * DAY) {
        throw new EngineError(422, 'refund_window_expired', `refunds are accepted for ${windowDays} days after the payment succeeded`);
      }
      const remaining = await this.remaining(tx, locked);
      // no amount means "whatever is left"
      const amount = input.amount ?? Number(remaining);
      if (!refunds.partial && amount !== locked.amount) {
        throw new EngineError(422, 'partial_refund_not_supported', 'this connector refunds only the full amount', 'amount');
      }
      if (amount === 0 || BigInt(amount) > remaining) {
        throw new EngineError(422, 'refund_exceeds_remaining', `at most ${remaining.toString()} minor units remain refundable`, 'amount', {
          remaining: Number(remaining),
        });
      }
      const first = startMachine('refund', {
        refundId: id,
        paymentId,
        amount,
        currency: p.currency,
        inquiry: connector.capabilities.methods[p.method.type]?.inquiry ?? false,
        retry: this.policy.retry,
        pollIntervalMs: this.policy.pollIntervalMs,
      });
      const record: RefundRecord = {
        id,
        paymentId,
        merchantId: merchant.id,
        amount,
        currency: p.currency,
        status: first.status,
        state: first.state,
        machineVersion: machineVersion('refund'),
        snapshot: first.snapshot,
        version: 0,
        reason: input.reason ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await tx.insertRefund(record);
      await this.o.runner.writeInitial(tx, 'refund', record, paymentId, first);
      const started = await this.o.runner.applyInTx(tx, 'refund', id, { type: 'START' });
      await onEffect?.(tx, { kind: 'refund', id });
      return started;
    });
    this.o.runner.announce(applied);
    return this.mustGetRefund(merchant, id);
  }

  async getRefund(merchant: Merchant, id: string): Promise<RefundRecord> {
    return this.mustGetRefund(merchant, id);
  }

  async listRefunds(merchant: Merchant, paymentId: string): Promise<RefundRecord[]> {
    await this.mustGet(merchant, paymentId);
    return this.o.store.listRefundsOf(paymentId);
  }

  /** Refundable amount left: refunds that failed give their amount back. Summed in bigint. */
  private async remaining(tx: StoreTx, p: PaymentRecord): Promise<bigint> {
    let used = 0n;
    for (const r of await tx.listRefunds(p.id)) if (r.status !== 'failed') used += BigInt(r.amount);
    return BigInt(p.amount) - used;
  }

  private async mustGet(merchant: Merchant, id: string): Promise<PaymentRecord> {
    const p = await this.o.store.getPayment(id);
    // Another merchant's payment is indistinguishable from a missing one.
    if (!p || p.merchantId !== merchant.id) throw notFound('payment');
    return p;
  }

  private async mustGetRefund(merchant: Merchant, id: string): Promise<RefundRecord> {
    const r = await this.o.store.getRefund(id);
    if (!r || r.merchantId !== merchant.id) throw notFound('refund');
    return r;
  }

  private route(merchant: Merchant, type: MethodType, requested?: string): Connector {
    const id = requested ?? merchant.routes[type];
    if (!id) throw new EngineError(422, 'no_route', `no connector is configured for ${type} payments`, 'payment_method.type');
    const c = this.o.connectors.get(id);
    if (!c) throw new EngineError(422, 'unknown_connector', `connector "${id}" is not configured`, 'connector');
    return c;
  }

  private async clearMethod(m: PaymentMethodInput, merchant: Merchant): Promise<ClearMethod> {
    if (m.type !== 'encrypted') return m;
    if (!this.o.decryptMethod) {
      throw new EngineError(422, 'encryption_not_configured', 'encrypted payment methods need an encryption certificate configured', 'payment_method.encrypted');
    }
    return this.o.decryptMethod(m.encrypted, merchant);
  }

  private seal(paymentId: string, m: ClearMethod, now: number, merchantId: string): StoredMethod {
    try {
      if (m.type === 'card') {
        const number = new Secret(m.card.number.replace(/[\s-]/g, ''));
        checkCardNumber(number, 'payment_method.card.number');
        checkExpiry(m.card.exp_month, m.card.exp_year, now, 'payment_method.card.exp_year');
        return {
          type: 'card',
          last4: last4(number),
          fingerprint: this.o.vault.fingerprint(number, merchantId),
          expMonth: m.card.exp_month,
          expYear: m.card.exp_year,
          sealed: this.o.vault.seal(number, paymentId),
        };
      }
      const iban = new Secret(normaliseIban(m.bank_account.iban));
      checkIban(iban, 'payment_method.bank_account.iban');
      return {
        type: 'bank_account',
        last4: last4(iban),
        fingerprint: this.o.vault.fingerprint(iban, merchantId),
        holderName: m.bank_account.name,
        sealed: this.o.vault.seal(iban, paymentId),
      };
    } catch (err) {
      if (err instanceof FieldError) throw new EngineError(400, err.code, err.message, err.param);
      throw err;
    }
  }
}

export { otpHash };

/** The engine's policy with the connector's host policy for reversals laid over it. */
function withHostPolicy(policy: PaymentPolicy, host: ConnectorCapabilities['reversal']): PaymentPolicy {
  if (!host) return policy;
  return {
    ...policy,
    ...(host.maxAttempts !== undefined ? { reversalMaxAttempts: host.maxAttempts } : {}),
    ...(host.maxAgeMs !== undefined ? { reversalMaxAgeMs: host.maxAgeMs } : {}),
    ...(host.declinedRepeats !== undefined ? { reversalDeclinedRepeats: host.declinedRepeats } : {}),
  };
}
