export { startWebhookReceiver, type ReceivedDelivery, type ReceiverMode, type WebhookReceiver } from './server.js';
