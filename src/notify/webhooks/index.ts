export { WebhookEndpoints, WebhookEndpointError, ROTATION_OVERLAP_MS } from './endpoints.js';
export { WebhookWorker, type WebhookWorkerOptions } from './worker.js';
export { eventBody } from './payload.js';
export { DISABLE_AFTER_MS, MAX_ATTEMPTS, RETRY_DELAYS_MS, retryDelay } from './schedule.js';
export { generateSecret, secretKey, signatureHeader, SECRET_PREFIX } from './signature.js';
export { isEndpointId } from './ids.js';
export { createWebhooks, type Webhooks } from './create.js';
