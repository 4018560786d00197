import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { EngineError } from '../../engine/errors.js';
import { WebhookEndpointError, type WebhookEndpoints } from '../../notify/webhooks/endpoints.js';
import type { Store } from '../../store/types.js';
import type { ApiEnv } from '../context.js';
import { Event, EventsQuery, listOf, ProblemSchema } from '../schemas.js';
import { eventView } from '../views.js';

const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } };

const list = createRoute({
  method: 'get',
  path: '/v1/events',
  tags: ['events'],
  summary: "The merchant's events, newest first (what webhooks deliver)",
  security: [{ bearerAuth: [] }],
  request: { query: EventsQuery },
  responses: { 200: { description: 'A page of events', content: { 'application/json': { schema: listOf(Event, 'EventList') } } }, 400: problem, 401: problem },
});

const redeliver = createRoute({
  method: 'post',
  path: '/v1/events/{id}/redeliver',
  tags: ['events'],
  summary: 'Deliver an event to the webhook endpoint again',
  security: [{ bearerAuth: [] }],
  request: { params: z.object({ id: z.string().regex(/^evt_[0-9A-Z]{26}$/, 'must be an evt_ id') }) },
  responses: { 202: { description: 'Queued', content: { 'application/json': { schema: z.object({ id: z.string(), status: z.literal('queued') }) } } }, 401: problem, 404: problem, 501: problem },
});

export function eventRoutes(app: OpenAPIHono<ApiEnv>, store: Store, webhooks?: WebhookEndpoints): void {
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = await store.listEvents({
      merchantId: c.get('merchant').id,
      limit: q.limit,
      ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.payment_id ? { paymentId: q.payment_id } : {}),
    });
    return c.json({ object: 'list' as const, data: page.items.map(eventView), has_more: page.hasMore }, 200);
  });

  app.openapi(redeliver, async (c) => {
    const e = await store.getEvent(c.req.valid('param').id);
    if (!e || e.merchantId !== c.get('merchant').id) throw new EngineError(404, 'resource_missing', 'no such event', 'id');
    // Without the webhook module wired (library use without it) there is nothing to redeliver to.
    if (!webhooks) throw new EngineError(501, 'webhooks_not_configured', 'webhook delivery is not enabled on this server');
    try {
      await webhooks.redeliver(e);
    } catch (err) {
      if (err instanceof WebhookEndpointError) throw new EngineError(err.status, err.code, err.message);
      throw err;
    }
    return c.json({ id: e.id, status: 'queued' as const }, 202);
  });
}
