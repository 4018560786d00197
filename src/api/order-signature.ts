import type { OpenAPIHono } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { EngineError } from '../engine/errors.js';
import { OrderSignatureError, type OrderSignatures } from '../trust/order-signature.js';
import type { ApiEnv } from './context.js';

export const ORDER_SIGNATURE_HEADER = 'Railyard-Order-Signature';

/**
 * Checks `Railyard-Order-Signature` on `POST /v1/payments` before the body is validated. The
 * raw body is read here once; hono caches those bytes and the JSON validator parses the same
 * buffer, so the signature covers exactly what is validated and stored. The verified signer is
 * handed to the route as `orderSignature` for the payment's timeline.
 */
export function orderSignatureCheck(app: OpenAPIHono<ApiEnv>, signatures: OrderSignatures): void {
  app.use(
    '/v1/payments',
    createMiddleware<ApiEnv>(async (c, next) => {
      // no header and nothing required: nothing to check (a header sent is always checked)
      if (c.req.method !== 'POST' || (signatures.policyOf(c.get('merchant').id) === 'off' && !c.req.header(ORDER_SIGNATURE_HEADER)?.trim())) return next();
      const body = new Uint8Array(await c.req.arrayBuffer());
      try {
        const note = await signatures.check(c.get('merchant').id, c.req.header(ORDER_SIGNATURE_HEADER), body);
        if (note) c.set('orderSignature', note);
      } catch (err) {
        if (err instanceof OrderSignatureError) {
          c.get('log').logger.warn({ code: err.code }, 'order signature refused');
          throw new EngineError(401, err.code, err.message, ORDER_SIGNATURE_HEADER);
        }
        throw err;
      }
      return next();
    }),
  );
}
