import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { EngineError } from '../../engine/errors.js';
import type { ApiEnv } from '../context.js';
import { ProblemSchema } from '../schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/encryption-certificate',
  tags: ['trust'],
  summary: "Railyard's encryption certificate",
  description:
    'The X.509 certificate (PEM) that `payment_method.encrypted` values must be encrypted to, as CMS EnvelopedData ' +
    '(RSA-OAEP with AES-CBC, or ECDH with AES key wrap).',
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'PEM certificate', content: { 'application/x-pem-file': { schema: z.string() } } },
    ...Object.fromEntries(
      [401, 404].map((s) => [s, { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } }]),
    ),
  },
});

export function trustRoutes(app: OpenAPIHono<ApiEnv>, certificatePem: string | undefined): void {
  app.openapi(route, (c) => {
    if (!certificatePem) throw new EngineError(404, 'encryption_not_configured', 'no encryption certificate is configured');
    return c.body(certificatePem, 200, { 'content-type': 'application/x-pem-file' });
  });
}
