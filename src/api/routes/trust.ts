import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { EngineError } from '../../engine/errors.js';
import type { EncryptionKeys } from '../../trust/encryption-keys.js';
import type { ApiEnv } from '../context.js';
import { ProblemSchema } from '../schemas.js';

const problems = (statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } }]));

const certificateRoute = createRoute({
  method: 'get',
  path: '/v1/encryption-certificate',
  tags: ['trust'],
  summary: "Railyard's encryption certificates (PEM)",
  description:
    'The X.509 certificates (PEM) that `payment_method.encrypted` values are encrypted to, the current one first; during a key ' +
    'rotation the previous one follows and still decrypts. Encrypt as CMS AuthEnvelopedData with AES-GCM (RSA-OAEP or ECDH key ' +
    'management), e.g. `openssl cms -encrypt -aes-256-gcm -recip cert.pem -keyopt rsa_padding_mode:oaep -outform DER`. The same keys ' +
    'as a JWK Set: GET /v1/encryption-keys.',
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'PEM certificates, current first', content: { 'application/x-pem-file': { schema: z.string() } } },
    ...problems([401, 404]),
  },
});

const JwkSchema = z
  .object({
    kty: z.enum(['RSA', 'EC']),
    kid: z.string().openapi({ description: 'RFC 7638 thumbprint (SHA-256, base64url); put it in the JWE `kid` header' }),
    use: z.literal('enc'),
    alg: z.enum(['RSA-OAEP-256', 'ECDH-ES+A256KW']).openapi({ description: 'the JWE `alg` to use with this key; `enc` is always A256GCM' }),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    x5c: z.array(z.string()).openapi({ description: 'the certificate, base64 DER' }),
    'x5t#S256': z.string(),
  })
  .openapi('EncryptionJwk');

const jwksRoute = createRoute({
  method: 'get',
  path: '/v1/encryption-keys',
  tags: ['trust'],
  summary: "Railyard's encryption keys (JWKS)",
  description:
    'The public keys that `payment_method.encrypted` values are encrypted to, as a JWK Set (RFC 7517): the current key first, ' +
    'during a rotation the previous one after it (it still decrypts). Make a JWE compact serialization with the key\'s `alg` ' +
    '(RSA-OAEP-256 or ECDH-ES+A256KW), `enc` A256GCM and its `kid` in the protected header; WebCrypto in a browser can do this.',
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: 'JWK Set', content: { 'application/jwk-set+json': { schema: z.object({ keys: z.array(JwkSchema) }).openapi('EncryptionJwks') } } },
    ...problems([401, 404]),
  },
});

export function trustRoutes(app: OpenAPIHono<ApiEnv>, keys: EncryptionKeys | undefined): void {
  const missing = () => new EngineError(404, 'encryption_not_configured', 'no encryption certificate is configured');
  const pem = keys?.certificatesPem();
  const jwks = keys?.jwks();
  app.openapi(certificateRoute, (c) => {
    if (!pem) throw missing();
    return c.body(pem, 200, { 'content-type': 'application/x-pem-file' });
  });
  app.openapi(jwksRoute, (c) => {
    if (!jwks) throw missing();
    return c.json(jwks, 200, { 'content-type': 'application/jwk-set+json' });
  });
}
