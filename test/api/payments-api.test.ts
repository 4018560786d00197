import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/api/idempotency.js';
import { apiHarness, cardPayment, idemKey, KEY_A2, KEY_B, type ApiHarness } from './helpers.js';

let t: ApiHarness;
beforeEach(async () => {
  t = await apiHarness();
});
afterEach(() => t.h.close());

const create = (body: unknown, key = idemKey(), extra: Record<string, string> = {}) =>
  t.call('POST', '/v1/payments', { body, headers: { 'idempotency-key': key, ...extra } });

const otpOf = async (id: string): Promise<string> => {
  await t.h.engine.drain();
  const r = await t.call('GET', `/sandbox/notifications?payment_id=${id}`);
  const otp = r.body.data.filter((n: { kind: string }) => n.kind === 'otp').at(-1)?.otp;
  expect(otp).toMatch(/^\d{6}$/);
  return otp;
};

describe('POST /v1/payments', () => {
  it('201 with the payment object; the card shows only last 4', async () => {
    const r = await create(cardPayment());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ object: 'payment', status: 'processing', amount: 1999, currency: 'EUR', connector: 'sandbox' });
    expect(r.body.id).toMatch(/^pay_[0-9A-Z]{26}$/);
    expect(r.body.payment_method).toMatchObject({ type: 'card', last4: '4242' });
    expect(r.text).not.toContain('4242424242424242');
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('walks a whole payment to succeeded through the API', async () => {
    const { body: p } = await create(cardPayment());
    await t.h.engine.drain();
    const waiting = await t.call('GET', `/v1/payments/${p.id}`);
    expect(waiting.body.status).toBe('requires_confirmation');
    expect(waiting.body.next_action).toEqual({ type: 'confirm_otp', confirm_url: `/v1/payments/${p.id}/confirm`, resend_url: `/v1/payments/${p.id}/resend_otp` });
    const confirmed = await t.call('POST', `/v1/payments/${p.id}/confirm`, { body: { otp: await otpOf(p.id) } });
    expect(confirmed.status).toBe(200);
    await t.settle(p.id);
    const done = await t.call('GET', `/v1/payments/${p.id}`);
    expect(done.body.status).toBe('succeeded');
    expect(done.body.version).toBeGreaterThan(3);
  });

  it('Prefer: wait returns once the payment has left processing', async () => {
    const pending = create(cardPayment(), idemKey(), { prefer: 'wait=5' });
    // the worker loop is not running under the manual clock: drive it while the request waits
    await new Promise((r) => setTimeout(r, 20));
    await t.h.engine.drain();
    const r = await pending;
    expect(r.headers.get('preference-applied')).toBe('wait=5');
    expect(r.body.status).toBe('requires_confirmation');
    // the answer comes once the customer's code is out, so the gateway can go straight on
    const inbox = await t.call('GET', `/sandbox/notifications?payment_id=${r.body.id}`);
    expect(inbox.body.data.some((n: { otp?: string }) => /^\d{6}$/.test(n.otp ?? ''))).toBe(true);
  });

  it('400 when the Idempotency-Key header is missing', async () => {
    const r = await t.call('POST', '/v1/payments', { body: cardPayment() });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'idempotency_key_required', param: 'Idempotency-Key' });
  });

  it('400 problem+json on malformed JSON, never a stack trace', async () => {
    const r = await t.call('POST', '/v1/payments', { raw: '{"amount": 12,', headers: { 'idempotency-key': idemKey() } });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status: 400, code: 'invalid_json', request_id: expect.stringMatching(/^req_/) });
    expect(r.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('400 naming an unknown field', async () => {
    const r = await create({ ...cardPayment(), amount_decimal: '19.99' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'unknown_field', param: 'amount_decimal' });
    const nested = await create(cardPayment({ customer: { email: 'a@b.test', phone: '1' } }));
    expect(nested.body).toMatchObject({ code: 'unknown_field', param: 'customer.phone' });
  });

  it('400 naming the field for bad values, without echoing a card number', async () => {
    const badAmount = await create(cardPayment({ amount: 19.99 }));
    expect(badAmount.body).toMatchObject({ status: 400, param: 'amount' });
    const badCurrency = await create(cardPayment({ currency: 'EUX' }));
    expect(badCurrency.body).toMatchObject({ status: 400, param: 'currency' });
    const luhn = await create(cardPayment({ payment_method: { type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: 2031 } } }));
    expect(luhn.status).toBe(400);
    expect(luhn.body).toMatchObject({ code: 'invalid_card_number', param: 'payment_method.card.number' });
    expect(luhn.text).not.toContain('4242424242424241');
    const iban = await create(cardPayment({ payment_method: { type: 'bank_account', bank_account: { iban: 'DE00370400440532013000', name: 'X' } } }));
    expect(iban.body).toMatchObject({ code: 'invalid_iban', param: 'payment_method.bank_account.iban' });
    expect(iban.text).not.toContain('DE00370400440532013000');
    const missing = await create({ ...cardPayment(), customer: undefined });
    expect(missing.body).toMatchObject({ status: 400, param: 'customer' });
  });

  it('413 for a body over 1 MB', async () => {
    const r = await create(cardPayment({ description: 'x'.repeat(1_100_000) }));
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('body_too_large');
  });

  it('401 without a key or with a wrong one; both rotation keys work', async () => {
    expect((await t.call('GET', '/v1/payments', { key: null })).body).toMatchObject({ status: 401, code: 'missing_api_key' });
    expect((await t.call('GET', '/v1/payments', { key: 'sk_nope' })).body).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((await t.call('GET', '/v1/payments', { key: KEY_A2 })).status).toBe(200);
  });

  it('403 when the merchant may not skip confirmation', async () => {
    const r = await t.call('POST', '/v1/payments', { key: KEY_B, body: cardPayment({ confirmation: 'none' }), headers: { 'idempotency-key': idemKey() } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'confirmation_required', param: 'confirmation' });
  });

  it('409 when an order_id is used again, even with another key', async () => {
    const body = cardPayment();
    expect((await create(body)).status).toBe(201);
    const again = await create(body);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'order_id_reused', param: 'order_id' });
  });

  it('422 for an unknown connector or an unsupported encrypted method', async () => {
    expect((await create(cardPayment({ connector: 'nope' }))).body).toMatchObject({ status: 422, code: 'unknown_connector', param: 'connector' });
    expect((await create(cardPayment({ payment_method: { type: 'encrypted', encrypted: 'MIIB' } }))).body).toMatchObject({ status: 422, code: 'encryption_not_configured' });
  });
});

describe('idempotency', () => {
  it('a replay returns the stored response with Idempotent-Replayed', async () => {
    const key = idemKey();
    const body = cardPayment();
    const first = await create(body, key);
    const second = await create(body, key);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.text).toBe(first.text);
    expect((await t.call('GET', '/v1/payments?limit=100')).body.data).toHaveLength(1);
  });

  it('the same key with another body is 422', async () => {
    const key = idemKey();
    await create(cardPayment(), key);
    const r = await create(cardPayment(), key);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key' });
  });

  it('a stored refusal is replayed as the same refusal', async () => {
    const key = idemKey();
    const body = cardPayment({ connector: 'nope' });
    const first = await create(body, key);
    const again = await create(body, key);
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('parallel requests with one key create one payment: the others replay or get 409', async () => {
    const key = idemKey();
    const body = cardPayment();
    const results = await Promise.all(Array.from({ length: 12 }, () => create(body, key)));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const fresh = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') !== 'true');
    expect(fresh).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('idempotency_in_flight');
    expect((await t.call('GET', '/v1/payments?limit=100')).body.data).toHaveLength(1);
  });

  it('a key whose request died after committing answers with that payment, never a second one', async () => {
    const key = idemKey();
    const body = cardPayment();
    const hash = requestHash('POST', '/v1/payments', body);
    await t.h.store.transaction((tx) =>
      tx.insertIdempotency({ merchantId: t.h.merchant.id, key, requestHash: hash, state: 'in_flight', responseStatus: null, responseBody: null, createdAt: t.h.clock.now(), owner: 'dead-request', effectKind: null, effectId: null }),
    );
    // the first attempt committed its payment, bound to the key in the same transaction, then its
    // process died before storing the response
    const committed = await t.h.engine.payments.create(t.h.merchant, body as never, {
      onEffect: async (tx, effect) => {
        expect(await tx.bindIdempotency(t.h.merchant.id, key, 'dead-request', effect)).toBe(true);
      },
    });
    const retried = await create(body, key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.id).toBe(committed.id);
    await t.h.clock.advance(61_000);
    const later = await create(body, key);
    expect([later.status, later.body.id]).toEqual([201, committed.id]);
    expect((await t.call('GET', '/v1/payments?limit=100')).body.data).toHaveLength(1);
  });

  it('keys are per merchant', async () => {
    const key = idemKey();
    expect((await create(cardPayment(), key)).status).toBe(201);
    const other = await t.call('POST', '/v1/payments', { key: KEY_B, body: cardPayment(), headers: { 'idempotency-key': key } });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('merchant isolation and listing', () => {
  it("another merchant's payment is 404, in every route", async () => {
    const { body: p } = await create(cardPayment());
    for (const [method, path] of [
      ['GET', `/v1/payments/${p.id}`],
      ['GET', `/v1/payments/${p.id}/events`],
      ['POST', `/v1/payments/${p.id}/cancel`],
    ] as const) {
      const r = await t.call(method, path, { key: KEY_B });
      expect(r.status, path).toBe(404);
      expect(r.body.code).toBe('resource_missing');
    }
    expect((await t.call('GET', '/v1/payments', { key: KEY_B })).body.data).toEqual([]);
    expect((await t.call('GET', `/sandbox/notifications?payment_id=${p.id}`, { key: KEY_B })).body.data).toEqual([]);
  });

  it('paginates newest first with starting_after and filters by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create(cardPayment())).body.id);
      await t.h.clock.advance(10);
    }
    const p1 = await t.call('GET', '/v1/payments?limit=2');
    expect(p1.body.data.map((p: { id: string }) => p.id)).toEqual([ids[4], ids[3]]);
    expect(p1.body.has_more).toBe(true);
    const p2 = await t.call('GET', `/v1/payments?limit=2&starting_after=${ids[3]}`);
    expect(p2.body.data.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    const p3 = await t.call('GET', `/v1/payments?limit=2&starting_after=${ids[1]}`);
    expect(p3.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect(p3.body.has_more).toBe(false);
    await t.call('POST', `/v1/payments/${ids[0]}/cancel`);
    const canceled = await t.call('GET', '/v1/payments?status=canceled');
    expect(canceled.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect((await t.call('GET', '/v1/payments?limit=0')).body).toMatchObject({ status: 400, param: 'limit' });
    expect((await t.call('GET', '/v1/payments?colour=red')).body).toMatchObject({ status: 400, code: 'unknown_field', param: 'colour' });
  });

  it('400 for a malformed id, 404 for an unknown one', async () => {
    expect((await t.call('GET', '/v1/payments/nope')).body).toMatchObject({ status: 400, param: 'id' });
    expect((await t.call('GET', '/v1/payments/pay_01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
    expect((await t.call('GET', '/v1/nothing-here')).body).toMatchObject({ status: 404, code: 'route_not_found' });
  });
});

describe('one-time code rules', () => {
  const waitingPayment = async () => {
    const { body: p } = await create(cardPayment());
    await t.h.engine.drain();
    return p.id as string;
  };

  it('a wrong code is 422 with the attempts left; the third wrong code fails the payment', async () => {
    const id = await waitingPayment();
    const good = await otpOf(id);
    const wrong = good === '000000' ? '111111' : '000000';
    const r1 = await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: wrong } });
    expect(r1.status).toBe(422);
    expect(r1.body).toMatchObject({ code: 'otp_invalid', param: 'otp', attempts_remaining: 2 });
    expect(r1.text).not.toContain(wrong);
    await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: wrong } });
    const r3 = await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: wrong } });
    expect(r3.body.attempts_remaining).toBe(0);
    const after = await t.call('GET', `/v1/payments/${id}`);
    expect(after.body.status).toBe('failed');
    expect(after.body.failure.code).toBe('otp_attempts_exceeded');
    // the right code no longer helps
    expect((await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: good } })).status).toBe(409);
  });

  it('a code expires after 5 minutes and the payment becomes expired', async () => {
    const id = await waitingPayment();
    const code = await otpOf(id);
    await t.h.clock.advance(5 * 60_000);
    await t.h.engine.drain();
    expect((await t.call('GET', `/v1/payments/${id}`)).body.status).toBe('expired');
    expect((await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: code } })).status).toBe(409);
  });

  it('a code submitted after its expiry but before the timer fired is refused as expired', async () => {
    const id = await waitingPayment();
    const code = await otpOf(id);
    await t.h.clock.advance(5 * 60_000 + 1); // no drain: the timer has not fired yet
    const r = await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: code } });
    expect(r.body).toMatchObject({ status: 422, code: 'otp_expired' });
    expect((await t.call('GET', `/v1/payments/${id}`)).body.status).toBe('expired');
  });

  it('resending is limited; each resend makes the previous code invalid', async () => {
    const id = await waitingPayment();
    const first = await otpOf(id);
    expect((await t.call('POST', `/v1/payments/${id}/resend_otp`)).status).toBe(200);
    const second = await otpOf(id);
    expect((await t.call('POST', `/v1/payments/${id}/resend_otp`)).status).toBe(200);
    const limited = await t.call('POST', `/v1/payments/${id}/resend_otp`);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('otp_resend_limit');
    const third = await otpOf(id);
    if (first !== third) expect((await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: first } })).status).toBe(422);
    expect(second).toMatch(/^\d{6}$/);
    expect((await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: third } })).status).toBe(200);
  });

  it('codes are stored only as keyed hashes', async () => {
    const id = await waitingPayment();
    const code = await otpOf(id);
    const stored = await t.h.store.transaction((tx) => tx.getOtp(id));
    expect(stored?.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('400 for a code that is not six digits; 409 when nothing awaits confirmation', async () => {
    const id = await waitingPayment();
    expect((await t.call('POST', `/v1/payments/${id}/confirm`, { body: { otp: '12ab' } })).body).toMatchObject({ status: 400, param: 'otp' });
    const { body: none } = await create(cardPayment({ confirmation: 'none' }));
    expect((await t.call('POST', `/v1/payments/${none.id}/confirm`, { body: { otp: '123456' } })).body).toMatchObject({ status: 409, code: 'payment_not_awaiting_confirmation' });
  });
});

describe('cancel, refunds, timeline, events', () => {
  it('cancels before the bank acts, refuses after', async () => {
    const { body: p } = await create(cardPayment());
    const r = await t.call('POST', `/v1/payments/${p.id}/cancel`);
    expect(r.body.status).toBe('canceled');
    expect((await t.call('POST', `/v1/payments/${p.id}/cancel`)).status).toBe(200);
    const { body: q } = await create(cardPayment({ confirmation: 'none' }));
    await t.settle(q.id);
    const refused = await t.call('POST', `/v1/payments/${q.id}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('payment_not_cancelable');
  });

  it('refunds partly and fully, refuses beyond the remaining amount and on unfinished payments', async () => {
    const { body: p } = await create(cardPayment({ confirmation: 'none' }));
    const early = await t.call('POST', `/v1/payments/${p.id}/refunds`, { body: { amount: 100 }, headers: { 'idempotency-key': idemKey() } });
    expect(early.body).toMatchObject({ status: 409, code: 'payment_not_refundable' });
    await t.settle(p.id);
    const r1 = await t.call('POST', `/v1/payments/${p.id}/refunds`, { body: { amount: 999 }, headers: { 'idempotency-key': idemKey() } });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ object: 'refund', amount: 999, status: 'pending', payment_id: p.id });
    await t.h.engine.drain();
    expect((await t.call('GET', `/v1/refunds/${r1.body.id}`)).body.status).toBe('succeeded');
    const over = await t.call('POST', `/v1/payments/${p.id}/refunds`, { body: { amount: 1001 }, headers: { 'idempotency-key': idemKey() } });
    expect(over.body).toMatchObject({ status: 422, code: 'refund_exceeds_remaining', param: 'amount', remaining: 1000 });
    const rest = await t.call('POST', `/v1/payments/${p.id}/refunds`, { body: {}, headers: { 'idempotency-key': idemKey() } });
    expect(rest.body.amount).toBe(1000);
    await t.h.engine.drain();
    expect((await t.call('GET', `/v1/payments/${p.id}`)).body.amount_refunded).toBe(1999);
    expect((await t.call('GET', `/v1/refunds/${r1.body.id}`, { key: KEY_B })).status).toBe(404);
  });

  it('refuses refunds after the window', async () => {
    const { body: p } = await create(cardPayment({ confirmation: 'none' }));
    await t.settle(p.id);
    await t.h.clock.advance(91 * 86_400_000);
    const r = await t.call('POST', `/v1/payments/${p.id}/refunds`, { body: {}, headers: { 'idempotency-key': idemKey() } });
    expect(r.body).toMatchObject({ status: 422, code: 'refund_window_expired' });
  });

  it("final events carry the failure and the bank's word that decided them", async () => {
    const { body: declined } = await create(cardPayment({ confirmation: 'none', payment_method: { type: 'card', card: { number: '4000000000009995', exp_month: 12, exp_year: 2031 } } }));
    const { body: badMac } = await create(cardPayment({ confirmation: 'none', payment_method: { type: 'card', card: { number: '4000000000000010', exp_month: 12, exp_year: 2031 } } }));
    await t.settle(declined.id);
    await t.settle(badMac.id);
    const failed = (await t.call('GET', `/v1/events?payment_id=${declined.id}`)).body.data[0];
    expect(failed.type).toBe('payment.failed');
    expect(failed.data).toMatchObject({ status: 'failed', failure: { code: '51' }, bank: { flow: 'authorize', outcome: 'declined', code: '51' } });
    const review = (await t.call('GET', `/v1/events?payment_id=${badMac.id}`)).body.data[0];
    expect(review.type).toBe('payment.requires_review');
    // the bad-MAC approval counted as unknown: reversed (the reversal's reply is the last bank word), then review
    expect(review.data).toMatchObject({ failure: { code: 'integrity_failed' }, bank: { flow: 'reverse', outcome: 'ok' } });
    const timeline = (await t.call('GET', `/v1/payments/${badMac.id}/events`)).body.data as { to: string }[];
    expect(timeline.map((e) => e.to)).not.toContain('authorized');
    expect(timeline.map((e) => e.to)).toContain('reversing');
  });

  it('shows the timeline and the event feed', async () => {
    const { body: p } = await create(cardPayment({ confirmation: 'none' }));
    await t.settle(p.id);
    const tl = await t.call('GET', `/v1/payments/${p.id}/events`);
    expect(tl.body.data.map((e: { to: string }) => e.to)).toEqual(['received', 'verifying', 'confirming', 'authorized', 'completed']);
    expect(tl.text).not.toContain('4242424242424242');
    const ev = await t.call('GET', `/v1/events?payment_id=${p.id}`);
    expect(ev.body.data.map((e: { type: string }) => e.type)).toEqual(['payment.succeeded', 'payment.authorized']);
    expect(ev.body.data[0].version).toBeGreaterThan(ev.body.data[1].version);
    const redeliver = await t.call('POST', `/v1/events/${ev.body.data[0].id}/redeliver`);
    expect(redeliver.body).toMatchObject({ status: 501, code: 'webhooks_not_configured' });
  });
});

describe('operations endpoints', () => {
  it('healthz, readyz and metrics', async () => {
    expect((await t.call('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
    const ready = await t.call('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ store: 'ok', 'connector:sandbox': 'ok' });
    t.api.setStopping(true);
    expect((await t.call('GET', '/readyz', { key: null })).status).toBe(503);
    await create(cardPayment());
    const m = await t.call('GET', '/metrics', { key: null });
    expect(m.text).toMatch(/railyard_http_requests_total\{method="POST",route="\/v1\/payments",status="201"\} 1/);
    expect(m.text).toMatch(/railyard_payments\{status="processing"\} 1/);
    expect(m.text).toContain('railyard_outbox_lag_seconds');
    // the payment's verification waits in the outbox (no worker has run yet)
    expect(m.text).toMatch(/railyard_outbox_depth\{kind="bank"\} 1/);
    expect(m.text).toContain('railyard_timer_lag_seconds');
  });

  it('serves OpenAPI 3.1 generated from the validating schemas, and /docs', async () => {
    const doc = await t.call('GET', '/openapi.json', { key: null });
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/payments', '/v1/payments/{id}', '/v1/payments/{id}/confirm', '/v1/payments/{id}/cancel', '/v1/payments/{id}/refunds', '/v1/refunds/{id}', '/v1/payments/{id}/events', '/v1/events', '/healthz', '/readyz']),
    );
    const create = doc.body.paths['/v1/payments'].post;
    expect(create.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreatePayment');
    expect(doc.body.components.schemas.CreatePayment.additionalProperties).toBe(false);
    const html = await t.call('GET', '/docs', { key: null });
    expect(html.text).toContain('<h1>Railyard API</h1>');
    expect(html.text).toContain('/v1/payments/{id}/confirm');
  });

  it('logs carry request ids and never a card number or a code', async () => {
    const { body: p } = await create(cardPayment());
    const code = await otpOf(p.id);
    await t.call('POST', `/v1/payments/${p.id}/confirm`, { body: { otp: code } });
    await t.settle(p.id);
    const all = t.logs.join('\n');
    expect(t.logs.some((l) => l.includes('bank call answered'))).toBe(true);
    expect(all).toContain('"request_id":"req_');
    expect(all).not.toContain('4242424242424242');
    expect(all).not.toContain(code);
  });
});
