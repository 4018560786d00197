/**
 * Runs the simulated card host alone: `tsx mocks/iso8583-host/main.ts --port 8583 [--journal FILE]`.
 * (`railyard mock iso8583-host --port N` calls startIso8583Host the same way.)
 */
import { startIso8583Host } from './server.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const journalPath = arg('journal');
const host = await startIso8583Host({
  ...(journalPath ? { journalPath } : {}),
  port: Number(arg('port') ?? 8583),
  host: arg('host') ?? '127.0.0.1',
  dialect: arg('dialect') ?? 'demo-card',
});
process.stdout.write(`iso8583-host (${arg('dialect') ?? 'demo-card'}) listening on ${arg('host') ?? '127.0.0.1'}:${host.port}\n`);
const stop = (): void => void host.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
