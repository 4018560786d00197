export { WebhookEndpoints, WebhookEndpointError, ROTATION_OVERLAP_MS, SIGNATURE_SCHEMES, type WebhookPublicKey, type WebhookSignatureScheme } from './endpoints.js';
export { WebhookWorker, type WebhookWorkerOptions } from './worker.js';
export { eventBody } from './payload.js';
export { DISABLE_AFTER_MS, MAX_ATTEMPTS, RETRY_DELAYS_MS, retryDelay } from './schedule.js';
export { generateSecret, secretKey, signatureHeader, SECRET_PREFIX } from './signature.js';
export { isEndpointId } from './ids.js';
export { asymmetricSignatures, generateSigningKey, publicKeyObject, publicKeyOf, signingKeyObject, PUBLIC_KEY_PREFIX, SIGNING_KEY_PREFIX } from './ed25519.js';
export { createWebhooks, type Webhooks } from './create.js';
