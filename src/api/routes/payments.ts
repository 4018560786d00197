import { transferItemOf } from '../../batch/records.js';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Secret } from '../../domain/secret.js';
import type { Engine } from '../../engine/engine.js';
import { EngineError } from '../../engine/errors.js';
import type { EffectHook } from '../../engine/payments.js';
import type { ConnectorSet } from '../../connector/registry-types.js';
import type { PaymentRecord, Store } from '../../store/types.js';
import type { ApiEnv } from '../context.js';
import { Idempotency, IdempotencyKeyLost, ReplayedResponse, requestHash, type StoredResponse } from '../idempotency.js';
import { problem } from '../problem.js';
import {
  ConfirmBody,
  CreatePaymentBody,
  IdempotencyHeaders,
  OptionalIdempotencyHeaders,
  IdParam,
  ListQuery,
  listOf,
  Payment,
  ProblemSchema,
  Refund,
  RefundBody,
  TimelineEntry,
} from '../schemas.js';
import { paymentView, refundView, timelineView } from '../views.js';
import { preferWaitSeconds, waitForCodeSent, waitWhileProcessing } from '../wait.js';

const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((s) => [s, { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
  );

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** Refusals that say "not yet": storing them would refuse the same key forever. */
const TRANSIENT_REFUSALS = new Set(['otp_not_sent']);

const inFlight = () =>
  new EngineError(409, 'idempotency_in_flight', 'a request with this Idempotency-Key is still being processed; retry later', 'Idempotency-Key');

const problemResponseOf = (c: Context<ApiEnv>, err: EngineError): StoredResponse => ({
  status: err.status,
  body: JSON.stringify(problem(c.get('requestId'), err.status, err.code, err.message, err.param, err.extra)),
  contentType: 'application/problem+json',
});

const PayId = IdParam('pay');
const ReId = IdParam('re');
const bearer = [{ bearerAuth: [] }];

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/payments',
    tags: ['payments'],
    summary: 'Create a payment',
    description:
      'Starts a payment. Send `Prefer: wait=N` to wait up to N seconds (max 10) until it needs the client (`requires_confirmation`, once the code has been sent) or is final.',
    security: bearer,
    request: {
      // documented here, checked before validation by the order-signature middleware (src/api/order-signature.ts)
      headers: IdempotencyHeaders.extend({
        'railyard-order-signature': z.string().optional().openapi({
          description: "base64 of a detached DER CMS SignedData over the exact request body, by the merchant's registered certificate",
        }),
      }),
      body: { required: true, content: { 'application/json': { schema: CreatePaymentBody } } },
    },
    responses: { 201: json(Payment, 'The payment'), ...problems(400, 401, 403, 409, 413, 422, 429) },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/payments',
    tags: ['payments'],
    summary: 'List payments, newest first',
    security: bearer,
    request: { query: ListQuery },
    responses: { 200: json(listOf(Payment, 'PaymentList'), 'A page of payments'), ...problems(400, 401) },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/payments/{id}',
    tags: ['payments'],
    summary: 'Retrieve a payment',
    security: bearer,
    request: { params: PayId },
    responses: { 200: json(Payment, 'The payment'), ...problems(400, 401, 404) },
  }),
  confirm: createRoute({
    method: 'post',
    path: '/v1/payments/{id}/confirm',
    tags: ['payments'],
    summary: "Submit the customer's one-time code",
    security: bearer,
    request: { params: PayId, headers: OptionalIdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: ConfirmBody } } } },
    responses: { 200: json(Payment, 'The payment'), ...problems(400, 401, 404, 409, 422) },
  }),
  resend: createRoute({
    method: 'post',
    path: '/v1/payments/{id}/resend_otp',
    tags: ['payments'],
    summary: 'Send the customer a new one-time code (limited)',
    security: bearer,
    request: { params: PayId },
    responses: { 200: json(Payment, 'The payment'), ...problems(401, 404, 409, 429) },
  }),
  cancel: createRoute({
    method: 'post',
    path: '/v1/payments/{id}/cancel',
    tags: ['payments'],
    summary: 'Cancel a payment the bank has not acted on yet',
    security: bearer,
    request: { params: PayId, headers: OptionalIdempotencyHeaders },
    responses: { 200: json(Payment, 'The payment'), ...problems(401, 404, 409) },
  }),
  refund: createRoute({
    method: 'post',
    path: '/v1/payments/{id}/refunds',
    tags: ['refunds'],
    summary: 'Refund a succeeded payment, fully or partly',
    security: bearer,
    request: {
      params: PayId,
      headers: IdempotencyHeaders,
      body: { required: false, content: { 'application/json': { schema: RefundBody } } },
    },
    responses: { 201: json(Refund, 'The refund'), ...problems(400, 401, 404, 409, 422) },
  }),
  getRefund: createRoute({
    method: 'get',
    path: '/v1/refunds/{id}',
    tags: ['refunds'],
    summary: 'Retrieve a refund',
    security: bearer,
    request: { params: ReId },
    responses: { 200: json(Refund, 'The refund'), ...problems(400, 401, 404) },
  }),
  timeline: createRoute({
    method: 'get',
    path: '/v1/payments/{id}/events',
    tags: ['payments'],
    summary: "The payment's timeline: state changes and bank outcomes (masked)",
    security: bearer,
    request: { params: PayId },
    responses: { 200: json(listOf(TimelineEntry, 'Timeline'), 'The timeline, oldest first'), ...problems(400, 401, 404) },
  }),
};

export function paymentRoutes(app: OpenAPIHono<ApiEnv>, engine: Engine, store: Store, idem: Idempotency, connectors: ConnectorSet): void {
  const payments = engine.payments;
  /** Only a batch rail queues a payment for a file: other payments have no batch record to read. */
  const batchItemOf = (p: PaymentRecord) => (connectors.get(p.connector)?.rail === 'batch' ? transferItemOf(store, p.id) : Promise.resolve(null));
  const fullView = async (p: PaymentRecord) => paymentView(p, await store.listRefundsOf(p.id), await batchItemOf(p));
  const view = async (id: string) => {
    const p = await store.getPayment(id);
    if (!p) throw new EngineError(404, 'resource_missing', 'no such payment', 'id');
    return fullView(p);
  };

  /**
   * Runs a mutating request once per Idempotency-Key. `run` gets the hook that binds the key to
   * its effect inside the effect's own transaction; `answer` builds the response from an effect
   * (also used when a retry finds an effect whose response was never stored, e.g. after a crash).
   * A replay of a stored success comes back as the body to send; a stored refusal is thrown.
   */
  const idempotent = async <T>(
    c: Context<ApiEnv>,
    key: string,
    body: unknown,
    status: number,
    run: (onEffect: EffectHook) => Promise<string>,
    answer: (effectId: string) => Promise<T>,
  ): Promise<T> => {
    const merchant = c.get('merchant');
    const verdict = await idem.begin(merchant.id, key, requestHash(c.req.method, c.req.path, body));
    if (verdict.kind === 'replay') {
      c.header('idempotent-replayed', 'true');
      if (verdict.response.status >= 300) throw new ReplayedResponse(verdict.response);
      return JSON.parse(verdict.response.body) as T;
    }
    if (verdict.kind === 'effect') {
      // The effect committed, its answer was never stored (the process died, or is still waiting):
      // answer from the effect as it is now, never create another.
      c.header('idempotent-replayed', 'true');
      return answer(verdict.effect.id);
    }
    if (verdict.kind === 'mismatch') {
      throw new EngineError(422, 'idempotency_key_reused', 'this Idempotency-Key was used with a different request', 'Idempotency-Key');
    }
    if (verdict.kind === 'in_flight') throw inFlight();
    const { owner } = verdict;
    let bound = false;
    const onEffect: EffectHook = async (tx, effect, refusal) => {
      const response = refusal ? problemResponseOf(c, refusal) : undefined;
      await idem.bind(tx, merchant.id, key, owner, effect, response);
      bound = true;
    };
    try {
      const result = await answer(await run(onEffect));
      await idem.complete(merchant.id, key, owner, { status, body: JSON.stringify(result), contentType: 'application/json' });
      return result;
    } catch (err) {
      // Lost the key to a retry before committing: our effect rolled back, the retry's is the one.
      if (err instanceof IdempotencyKeyLost) throw inFlight();
      // After an effect the key stays bound to it (a retry answers from the effect); nothing to store.
      if (bound) throw err;
      // a rate limit is not an answer to the request: the same request may pass after the window
      if (err instanceof EngineError && err.status < 500 && err.status !== 429 && !TRANSIENT_REFUSALS.has(err.code)) {
        // a refusal is an answer: the same request gets the same refusal
        await idem.complete(merchant.id, key, owner, problemResponseOf(c, err));
        throw err;
      }
      await idem.release(merchant.id, key, owner);
      throw err;
    }
  };

  /** Without a key (optional on confirm and cancel) the request simply runs. */
  const maybeIdempotent = async <T>(
    c: Context<ApiEnv>,
    key: string | undefined,
    body: unknown,
    status: number,
    run: (onEffect?: EffectHook) => Promise<string>,
    answer: (effectId: string) => Promise<T>,
  ): Promise<T> => (key === undefined ? answer(await run()) : idempotent(c, key, body, status, run, answer));

  const waited = async (c: Context<ApiEnv>, id: string) => {
    const seconds = preferWaitSeconds(c.req.header('prefer'));
    if (seconds > 0) {
      c.header('preference-applied', `wait=${seconds}`);
      const read = id.startsWith('re_')
        ? async () => (await store.getRefund(id))?.status
        : async () => (await store.getPayment(id))?.status;
      const deadline = Date.now() + seconds * 1000;
      const status = await waitWhileProcessing(engine.runner, id, seconds, read);
      // "Needs the client" means the customer has their code: wait for it to leave the outbox too.
      if (status === 'requires_confirmation') await waitForCodeSent(engine.runner, id, deadline - Date.now(), () => codeOnItsWay(id));
    }
  };

  const codeOnItsWay = async (paymentId: string): Promise<boolean> =>
    (await store.listCommands(paymentId)).some((cmd) => cmd.kind === 'notify' && cmd.name === 'otp' && (cmd.status === 'pending' || cmd.status === 'in_flight'));

  app.openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const signature = c.get('orderSignature');
    const result = await idempotent(
      c,
      key,
      body,
      201,
      async (onEffect) => {
        // copied into a plain object: the timeline stores JSON, the note type is an interface
        const notes = signature ? { notes: [{ ...signature, signer: { ...signature.signer } }] } : {};
        return (await payments.create(c.get('merchant'), body, { ...notes, onEffect })).id;
      },
      async (id) => {
        await waited(c, id);
        return view(id);
      },
    );
    return c.json(result, 201);
  });

  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query');
    const page = await payments.list(c.get('merchant'), {
      limit: q.limit,
      ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      ...(q.status ? { status: q.status } : {}),
    });
    const data = await Promise.all(page.items.map(fullView));
    return c.json({ object: 'list' as const, data, has_more: page.hasMore }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const p = await payments.get(c.get('merchant'), c.req.valid('param').id);
    await waited(c, p.id);
    return c.json(await view(p.id), 200);
  });

  app.openapi(routes.confirm, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const result = await maybeIdempotent(
      c,
      c.req.valid('header')['idempotency-key'],
      body,
      200,
      async (onEffect) => (await payments.confirm(c.get('merchant'), id, new Secret(body.otp), onEffect)).id,
      async (pid) => {
        await waited(c, pid);
        return view(pid);
      },
    );
    return c.json(result, 200);
  });

  app.openapi(routes.resend, async (c) => {
    const p = await payments.resendOtp(c.get('merchant'), c.req.valid('param').id);
    return c.json(await view(p.id), 200);
  });

  app.openapi(routes.cancel, async (c) => {
    const result = await maybeIdempotent(
      c,
      c.req.valid('header')['idempotency-key'],
      {},
      200,
      async (onEffect) => (await payments.cancel(c.get('merchant'), c.req.valid('param').id, onEffect)).id,
      view,
    );
    return c.json(result, 200);
  });

  app.openapi(routes.refund, async (c) => {
    const { id } = c.req.valid('param');
    const key = c.req.valid('header')['idempotency-key'];
    const body = c.req.valid('json') ?? {};
    const input = {
      ...(body.amount !== undefined ? { amount: body.amount } : {}),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    };
    const result = await idempotent(
      c,
      key,
      body,
      201,
      async (onEffect) => (await payments.refund(c.get('merchant'), id, input, onEffect)).id,
      async (refundId) => {
        await waited(c, refundId);
        return refundView(await payments.getRefund(c.get('merchant'), refundId));
      },
    );
    return c.json(result, 201);
  });

  app.openapi(routes.getRefund, async (c) => {
    return c.json(refundView(await payments.getRefund(c.get('merchant'), c.req.valid('param').id)), 200);
  });

  app.openapi(routes.timeline, async (c) => {
    const rows = await payments.timeline(c.get('merchant'), c.req.valid('param').id);
    return c.json({ object: 'list' as const, data: rows.map(timelineView), has_more: false }, 200);
  });
}
