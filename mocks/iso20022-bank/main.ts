/**
 * Runs the simulated ISO 20022 bank alone: `tsx mocks/iso20022-bank/main.ts --port 8620
 * [--callback http://127.0.0.1:8080/v1/connectors/demo-sepa/inbound] [--journal FILE]`.
 */
import { startIso20022Bank } from './server.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const callbackUrl = arg('callback');
const journalPath = arg('journal');
const bank = await startIso20022Bank({
  ...(journalPath ? { journalPath } : {}),
  port: Number(arg('port') ?? 8620),
  host: arg('host') ?? '127.0.0.1',
  ...(callbackUrl ? { callbackUrl } : {}),
});
process.stdout.write(`iso20022-bank listening on ${bank.url}${callbackUrl ? ' (pushing status reports)' : ''}\n`);
const stop = (): void => void bank.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
