/** The card host simulator in its own process, for bench/iso8583-link.ts: `--port N --mac on|off`. */
import { startIso8583Host } from '../mocks/iso8583-host/server.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const host = await startIso8583Host({ port: Number(arg('port', '0')), host: '127.0.0.1', ...(arg('mac', 'on') === 'off' ? { mac: false } : {}) });
process.stdout.write(`listening ${host.port}\n`);
process.once('SIGTERM', () => void host.close().then(() => process.exit(0)));
