import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ConnectorSet } from '../../connector/registry-types.js';
import type { SandboxInbox } from '../../notify/sandbox-inbox.js';
import type { Store } from '../../store/types.js';
import type { ApiEnv } from '../context.js';
import type { Metrics } from '../metrics.js';
import { renderDocs } from '../docs-page.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Liveness: the process serves requests',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const Readiness = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.string()) });
const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary: 'Readiness: the store answers and every connector is healthy',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Readiness } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: Readiness } } },
  },
});

export function systemRoutes(app: OpenAPIHono<ApiEnv>, deps: { store: Store; connectors: ConnectorSet; metrics: Metrics; isStopping: () => boolean }): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    const checks: Record<string, string> = {};
    let ready = !deps.isStopping();
    if (!ready) checks.process = 'shutting down';
    try {
      await deps.store.ping();
      checks.store = 'ok';
    } catch {
      checks.store = 'unreachable';
      ready = false;
    }
    for (const k of deps.connectors.all()) {
      const h = k.health ? await k.health().catch(() => ({ ok: false })) : { ok: true };
      checks[`connector:${k.id}`] = h.ok ? 'ok' : 'unhealthy';
      ready &&= h.ok;
    }
    return ready ? c.json({ status: 'ready' as const, checks }, 200) : c.json({ status: 'not_ready' as const, checks }, 503);
  });

  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
  );
}

export function docsRoutes(app: OpenAPIHono<ApiEnv>): void {
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Railyard API',
      version: '1',
      description: 'The gateway-facing API of Railyard. Money is integer minor units; errors are RFC 9457 problem details.',
    },
  };
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'A merchant API key' });
  app.doc31('/openapi.json', document);
  app.get('/docs', (c) => c.html(renderDocs(app.getOpenAPI31Document(document))));
}

const SandboxQuery = z.object({ payment_id: z.string().regex(/^pay_[0-9A-Z]{26}$/).optional() }).strict();
const sandboxNotifications = createRoute({
  method: 'get',
  path: '/sandbox/notifications',
  tags: ['sandbox'],
  summary: 'Sandbox only: what customers would have received, one-time codes included',
  security: [{ bearerAuth: [] }],
  request: { query: SandboxQuery },
  responses: { 200: { description: 'Notifications, oldest first', content: { 'application/json': { schema: z.object({ object: z.literal('list'), data: z.array(z.unknown()) }) } } } },
});

export function sandboxRoutes(app: OpenAPIHono<ApiEnv>, notifier: SandboxInbox): void {
  app.openapi(sandboxNotifications, async (c) => {
    const { payment_id } = c.req.valid('query');
    return c.json({ object: 'list' as const, data: await notifier.list(c.get('merchant').id, payment_id) }, 200);
  });
}
