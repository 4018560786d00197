import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { EngineError } from '../../engine/errors.js';
import { SIGNATURE_SCHEMES, WebhookEndpointError, type WebhookEndpoints } from '../../notify/webhooks/endpoints.js';
import { WebhookSecretError } from '../../notify/webhooks/signature.js';
import type { WebhookEndpointRecord } from '../../store/types.js';
import type { ApiEnv } from '../context.js';
import { IdParam, listOf, ProblemSchema } from '../schemas.js';

const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } };
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const WebhookEndpoint = z
  .object({
    id: z.string(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    status: z.enum(['enabled', 'disabled']),
    consecutive_failures: z.number().int(),
    failing_since: z.string().nullable(),
    disabled_at: z.string().nullable(),
    created_at: z.string(),
    signatures: z.array(z.enum(SIGNATURE_SCHEMES)).openapi({ description: 'The Standard Webhooks signatures each delivery carries: v1 (HMAC-SHA256), v1a (Ed25519)' }),
    public_key: z.string().nullable().openapi({ description: 'v1a: the newest whpk_ public key to verify deliveries with; null when v1a is off' }),
    public_keys: z
      .array(z.object({ public_key: z.string(), created_at: z.string(), expires_at: z.string().nullable() }))
      .openapi({ description: 'v1a: every key signing now (two during a rotation), newest last' }),
    secret: z.string().optional().openapi({ description: 'Shown once: when the endpoint is created or its secret rotated' }),
  })
  .openapi('WebhookEndpoint');

const CreateBody = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().startsWith('whsec_').optional().openapi({ description: 'Your own whsec_ secret; one is generated if absent' }),
    signatures: z
      .array(z.enum(SIGNATURE_SCHEMES))
      .min(1)
      .max(2)
      .optional()
      .openapi({ description: 'v1 (HMAC, default), v1a (Ed25519: Railyard keeps the secret key, you get the public key) or both' }),
  })
  .strict();
const RotateBody = z.object({ secret: z.string().startsWith('whsec_').optional() }).strict();

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const list = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints',
  tags: ['webhooks'],
  summary: "The merchant's webhook endpoints",
  security: [{ bearerAuth: [] }],
  responses: { 200: { description: 'Endpoints', content: json(listOf(WebhookEndpoint, 'WebhookEndpointList')) }, 401: problem },
});

const create = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints',
  tags: ['webhooks'],
  summary: 'Register an endpoint; the signing secret is returned once',
  security: [{ bearerAuth: [] }],
  request: { body: { content: json(CreateBody), required: true } },
  responses: { 201: { description: 'Created', content: json(WebhookEndpoint) }, 400: problem, 401: problem, 422: { description: 'The url names (or resolves to) an address that is not publicly reachable', content: problem.content } },
});

const enable = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/enable',
  tags: ['webhooks'],
  summary: 'Re-enable an endpoint disabled after persistent failure; its waiting deliveries are sent',
  security: [{ bearerAuth: [] }],
  request: { params: IdParam('we') },
  responses: { 200: { description: 'Enabled', content: json(WebhookEndpoint) }, 401: problem, 404: problem },
});

const rotate = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-secret',
  tags: ['webhooks'],
  summary: 'Add a new secret; the old one keeps signing for 24 hours beside it',
  security: [{ bearerAuth: [] }],
  request: { params: IdParam('we'), body: { content: json(RotateBody), required: false } },
  responses: { 200: { description: 'Rotated', content: json(WebhookEndpoint) }, 400: problem, 401: problem, 404: problem },
});

const rotateKey = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-signing-key',
  tags: ['webhooks'],
  summary: 'Add a new Ed25519 (v1a) signing key, turning v1a on; an older key keeps signing for 24 hours beside it',
  security: [{ bearerAuth: [] }],
  request: { params: IdParam('we') },
  responses: { 200: { description: 'Rotated: public_key is the new key', content: json(WebhookEndpoint) }, 401: problem, 404: problem },
});

function endpointView(endpoints: WebhookEndpoints, e: WebhookEndpointRecord, secret?: string) {
  const keys = endpoints.publicKeys(e);
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    status: e.status,
    consecutive_failures: e.consecutiveFailures,
    failing_since: iso(e.failingSince),
    disabled_at: iso(e.disabledAt),
    created_at: new Date(e.createdAt).toISOString(),
    // the newest HMAC secret never expires, so any stored one means v1 is on; likewise for v1a
    signatures: SIGNATURE_SCHEMES.filter((s) => (s === 'v1' ? e.secrets.length > 0 : keys.length > 0)),
    public_key: keys.at(-1)?.publicKey ?? null,
    public_keys: keys.map((k) => ({ public_key: k.publicKey, created_at: new Date(k.createdAt).toISOString(), expires_at: iso(k.expiresAt) })),
    ...(secret !== undefined ? { secret } : {}),
  };
}

/** The service's refusals as API problems. */
async function api<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof WebhookEndpointError) throw new EngineError(err.status, err.code, err.message, err.field ?? (err.status === 404 ? 'id' : 'url'));
    if (err instanceof WebhookSecretError) throw new EngineError(400, 'invalid_secret', err.message, 'secret');
    throw err;
  }
}

export function webhookEndpointRoutes(app: OpenAPIHono<ApiEnv>, endpoints: WebhookEndpoints): void {
  app.openapi(list, async (c) => {
    const items = await endpoints.list(c.get('merchant').id);
    return c.json({ object: 'list' as const, data: items.map((e) => endpointView(endpoints, e)), has_more: false }, 200);
  });

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const made = await api(() => endpoints.create(c.get('merchant').id, body.url, body.secret, body.signatures));
    return c.json(endpointView(endpoints, made.endpoint, made.secret), 201);
  });

  app.openapi(enable, async (c) => {
    const e = await api(() => endpoints.enable(c.get('merchant').id, c.req.valid('param').id));
    return c.json(endpointView(endpoints, e), 200);
  });

  app.openapi(rotate, async (c) => {
    const secret = (c.req.valid('json') as z.infer<typeof RotateBody> | undefined)?.secret;
    const made = await api(() => endpoints.rotate(c.get('merchant').id, c.req.valid('param').id, ...(secret ? [secret] : [])));
    return c.json(endpointView(endpoints, made.endpoint, made.secret), 200);
  });

  app.openapi(rotateKey, async (c) => {
    const made = await api(() => endpoints.rotateSigningKey(c.get('merchant').id, c.req.valid('param').id));
    return c.json(endpointView(endpoints, made.endpoint), 200);
  });
}
