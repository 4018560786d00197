import { OpenAPIHono } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConnectorSet } from '../connector/registry-types.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { Engine } from '../engine/engine.js';
import { EngineError } from '../engine/errors.js';
import type { MerchantDirectory } from '../engine/merchants.js';
import type { Logger } from '../log.js';
import type { SandboxInbox } from '../notify/sandbox-inbox.js';
import type { WebhookEndpoints } from '../notify/webhooks/endpoints.js';
import type { Store } from '../store/types.js';
import type { EncryptionKeys } from '../trust/encryption-keys.js';
import { OrderSignatures } from '../trust/order-signature.js';
import { readBody } from './body.js';
import type { ApiEnv } from './context.js';
import { Idempotency, ReplayedResponse } from './idempotency.js';
import { Metrics } from './metrics.js';
import { orderSignatureCheck } from './order-signature.js';
import { problem, problemResponse } from './problem.js';
import { RequestLog } from './request-log.js';
import { connectorRoutes, inboundRoute } from './routes/connectors.js';
import { eventRoutes } from './routes/events.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { paymentRoutes } from './routes/payments.js';
import { reconciliationRoutes } from './routes/reconciliation.js';
import { trustRoutes } from './routes/trust.js';
import { docsRoutes, sandboxRoutes, systemRoutes } from './routes/system.js';
import { validationProblem } from './validation.js';

export interface AppDeps {
  engine: Engine;
  store: Store;
  merchants: MerchantDirectory;
  connectors: ConnectorSet;
  log: Logger;
  clock: Clock;
  /** Present only in sandbox mode: enables GET /sandbox/notifications. */
  sandbox?: { notifier: SandboxInbox };
  /** Webhook endpoints and redelivery (src/notify/webhooks); absent: redeliver answers 501. */
  webhooks?: WebhookEndpoints;
  maxBodyBytes?: number;
  /** Per-merchant order-signature policies (src/trust); absent: no merchant signs, a sent signature is refused. */
  orderSignatures?: OrderSignatures;
  /** Railyard's encryption keys, published at GET /v1/encryption-certificate (PEM) and GET /v1/encryption-keys (JWKS). */
  encryptionKeys?: EncryptionKeys;
  /** How long an in-flight Idempotency-Key with no effect is held before a retry may take it over (default 60 s). */
  idempotencyAbandonedMs?: number;
}

export interface RailyardApp {
  fetch: (req: Request) => Response | Promise<Response>;
  app: OpenAPIHono<ApiEnv>;
  metrics: Metrics;
  /** Readiness turns false while the server drains for shutdown. */
  setStopping(v: boolean): void;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{8,128}$/;

export function createApp(deps: AppDeps): RailyardApp {
  const metrics = new Metrics(deps.store, deps.clock, deps.connectors);
  const idem = new Idempotency(deps.store, deps.clock, deps.idempotencyAbandonedMs !== undefined ? { abandonedMs: deps.idempotencyAbandonedMs } : {});
  let stopping = false;

  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(c, validationProblem(c.get('requestId'), result.target, result.error));
      return undefined;
    },
  });

  // Request id, per-request logger, metrics. Runs first so every answer, errors included, has an id.
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const rid = incoming && REQUEST_ID_RE.test(incoming) ? incoming : newId('req');
    c.set('requestId', rid);
    const log = new RequestLog(deps.log, { request_id: rid });
    c.set('log', log);
    const started = performance.now();
    // Set before the response exists: set after, hono rebuilds the response around its body
    // stream, and the node adapter then streams it in chunks instead of writing it in one go.
    c.header('x-request-id', rid);
    await next();
    if (!c.res.headers.has('x-request-id')) c.header('x-request-id', rid);
    const route = routePath(c) || 'unmatched';
    const seconds = (performance.now() - started) / 1000;
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.duration.observe({ method: c.req.method, route }, seconds);
    log.access({ method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) }, 'request');
  });

  const maxBody = deps.maxBodyBytes ?? 1024 * 1024;
  // Bodies are read only once the caller is known: an anonymous caller cannot make Railyard read
  // (and hold) up to maxBody bytes per request. Merchants after their API key; a bank push after
  // its connector is known to take pushes (its own proof, a signature, is over the body itself).
  const body = readBody(maxBody, (c) => problemResponse(c, problem(c.get('requestId'), 413, 'body_too_large', `the request body exceeds ${maxBody} bytes`)));

  systemRoutes(app, { store: deps.store, connectors: deps.connectors, metrics, isStopping: () => stopping });
  app.use('/v1/connectors/:id/inbound', async (c, next) => {
    const id = c.req.param('id') ?? '';
    if (c.req.method === 'POST' && !deps.connectors.get(id)?.flows.inbound) {
      return problemResponse(c, problem(c.get('requestId'), 404, 'resource_missing', `connector "${id}" takes no inbound messages`, 'id'));
    }
    return body(c, next);
  });
  inboundRoute(app, deps.engine);

  const authenticate = createMiddleware<ApiEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const rid = c.get('requestId');
    if (!m?.[1]) {
      c.header('www-authenticate', 'Bearer');
      return problemResponse(c, problem(rid, 401, 'missing_api_key', 'send your API key as "Authorization: Bearer <key>"', 'Authorization'));
    }
    const merchant = deps.merchants.authenticate(m[1]);
    if (!merchant) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      return problemResponse(c, problem(rid, 401, 'invalid_api_key', 'the API key is not valid', 'Authorization'));
    }
    c.set('merchant', merchant);
    c.get('log').bind('merchant', merchant.id);
    await next();
    return undefined;
  });
  app.use('/v1/*', authenticate);
  app.use('/sandbox/*', authenticate);
  app.use('*', body);

  // before the payment routes: it must read the raw body ahead of their JSON validator
  orderSignatureCheck(app, deps.orderSignatures ?? OrderSignatures.none());
  paymentRoutes(app, deps.engine, deps.store, idem, deps.connectors);
  trustRoutes(app, deps.encryptionKeys);
  eventRoutes(app, deps.store, deps.webhooks);
  reconciliationRoutes(app, deps.store);
  if (deps.webhooks) webhookEndpointRoutes(app, deps.webhooks);
  connectorRoutes(app, deps.connectors);
  if (deps.sandbox) sandboxRoutes(app, deps.sandbox.notifier);
  docsRoutes(app);

  app.notFound((c) => problemResponse(c, problem(c.get('requestId') ?? newId('req'), 404, 'route_not_found', `no route for ${c.req.method} ${c.req.path}`)));

  app.onError((err, c) => {
    const rid = c.get('requestId') ?? newId('req');
    if (err instanceof ReplayedResponse) {
      c.header('x-request-id', rid);
      return c.body(err.response.body, err.response.status as ContentfulStatusCode, {
        'content-type': err.response.contentType,
        'idempotent-replayed': 'true',
      });
    }
    if (err instanceof EngineError) return problemResponse(c, problem(rid, err.status, err.code, err.message, err.param, err.extra));
    if (err instanceof HTTPException) {
      if (err.status === 400) return problemResponse(c, problem(rid, 400, 'invalid_json', 'the request body is not valid JSON', 'body'));
      return problemResponse(c, problem(rid, err.status, 'http_error', err.message));
    }
    (c.get('log')?.logger ?? deps.log).error({ err: { name: err.name, message: err.message } }, 'unhandled error');
    return problemResponse(c, problem(rid, 500, 'internal_error', 'an internal error occurred; quote the request_id to support'));
  });

  return { fetch: app.fetch, app, metrics, setStopping: (v) => (stopping = v) };
}
