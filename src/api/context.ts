import type { Logger } from '../log.js';
import type { Merchant } from '../engine/merchants.js';

/** Variables every handler can read from the hono context. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    merchant: Merchant;
    log: Logger;
  };
}
