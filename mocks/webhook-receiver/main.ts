/**
 * Runs the webhook receiver alone: `tsx mocks/webhook-receiver/main.ts --port 8700 --secret whsec_…`
 * (the secret given to Railyard as RAILYARD_SANDBOX_WEBHOOK_SECRET); prints each delivery.
 */
import { startWebhookReceiver } from './server.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const secret = arg('secret');
if (!secret) {
  process.stderr.write('usage: main.ts --secret whsec_… [--port 8700]\n');
  process.exit(2);
}
const receiver = await startWebhookReceiver({ secrets: [secret], port: Number(arg('port') ?? 8700) });
process.stdout.write(`webhook receiver listening on ${receiver.url}\n`);
let seen = 0;
const timer = setInterval(() => {
  for (const d of receiver.received.slice(seen)) {
    const e = d.event as { type?: string; data?: { id?: string; version?: number } } | undefined;
    process.stdout.write(`${d.webhookId} ${e?.type ?? '?'} ${e?.data?.id ?? ''} v${e?.data?.version ?? '?'} verified=${d.verifiedWith.length > 0}\n`);
  }
  seen = receiver.received.length;
}, 200);
const stop = (): void => {
  clearInterval(timer);
  void receiver.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
