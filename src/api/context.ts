import type { Merchant } from '../engine/merchants.js';
import type { OrderSignatureNote } from '../trust/order-signature.js';
import type { RequestLog } from './request-log.js';

/** Variables every handler can read from the hono context. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    merchant: Merchant;
    log: RequestLog;
    /** Set on POST /v1/payments when the order carried a verified Railyard-Order-Signature. */
    orderSignature?: OrderSignatureNote;
  };
}
