import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ConnectorSet } from '../../connector/registry-types.js';
import type { Engine } from '../../engine/engine.js';
import type { ApiEnv } from '../context.js';
import { ProblemSchema } from '../schemas.js';

const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } };

const ConnectorInfo = z
  .object({
    id: z.string(),
    rail: z.string(),
    healthy: z.boolean(),
    detail: z.string().optional(),
    links: z
      .array(
        z.object({
          endpoint: z.string(),
          state: z.string(),
          last_inbound_at: z.string().optional().openapi({ description: 'When the bank last sent anything on this link' }),
          last_echo_at: z.string().optional().openapi({ description: 'When an echo was last answered' }),
          in_flight: z.number().int(),
        }),
      )
      .optional()
      .openapi({ description: 'Long-lived links to the bank (ISO 8583 endpoints), primary first' }),
    capabilities: z.object({
      flows: z.array(z.string()),
      methods: z.array(z.string()),
      currencies: z.array(z.string()),
      refunds: z.union([z.literal(false), z.object({ partial: z.boolean(), window_days: z.number().int() })]),
    }),
  })
  .openapi('Connector');

const list = createRoute({
  method: 'get',
  path: '/v1/connectors',
  tags: ['connectors'],
  summary: 'Configured connectors with their capabilities and health',
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'Connectors', content: { 'application/json': { schema: z.object({ object: z.literal('list'), data: z.array(ConnectorInfo) }) } } },
    401: problem,
  },
});

const inbound = createRoute({
  method: 'post',
  path: '/v1/connectors/{id}/inbound',
  tags: ['connectors'],
  summary: 'Banks push status reports and notifications here',
  request: { params: z.object({ id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/) }) },
  responses: { 200: { description: 'Accepted; the body is whatever the bank protocol expects back' }, 404: problem, 413: problem },
});

export function connectorRoutes(app: OpenAPIHono<ApiEnv>, connectors: ConnectorSet): void {
  app.openapi(list, async (c) => {
    const data = await Promise.all(
      connectors.all().map(async (k) => {
        const health = k.health ? await k.health().catch(() => ({ ok: false, detail: 'health check failed' })) : { ok: true };
        const refunds = k.capabilities.refunds;
        return {
          id: k.id,
          rail: k.rail,
          healthy: health.ok,
          ...('detail' in health && health.detail ? { detail: health.detail } : {}),
          ...('links' in health && health.links
            ? {
                links: health.links.map((l) => ({
                  endpoint: l.endpoint,
                  state: l.state,
                  ...(l.lastInboundAt !== undefined ? { last_inbound_at: new Date(l.lastInboundAt).toISOString() } : {}),
                  ...(l.lastEchoAt !== undefined ? { last_echo_at: new Date(l.lastEchoAt).toISOString() } : {}),
                  in_flight: l.inFlight,
                })),
              }
            : {}),
          capabilities: {
            flows: k.capabilities.flows,
            methods: Object.keys(k.capabilities.methods),
            currencies: k.capabilities.currencies,
            refunds: refunds ? { partial: refunds.partial, window_days: refunds.windowDays } : (false as const),
          },
        };
      }),
    );
    return c.json({ object: 'list' as const, data }, 200);
  });
}

/** Registered before authentication: banks do not hold merchant keys (their own auth is per connector). */
export function inboundRoute(app: OpenAPIHono<ApiEnv>, engine: Engine): void {
  app.openapi(inbound, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer());
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k] = v));
    const result = await engine.inbound(c.req.valid('param').id, { body, contentType: c.req.header('content-type') ?? '', headers });
    if (result.response) return c.body(result.response.body, result.response.status as 200, { 'content-type': result.response.contentType });
    return c.body(null, 200);
  });
}
