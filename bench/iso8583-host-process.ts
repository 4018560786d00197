/**
 * The card host simulator in its own process, for bench/iso8583-link.ts: `--port N --mac on|off`.
 * Prints `listening PORT control CONTROL_PORT`: the control port stalls it mid-run (failover bench).
 */
import { startHostAdmin } from '../mocks/iso8583-host/admin.js';
import { startIso8583Host } from '../mocks/iso8583-host/server.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

const host = await startIso8583Host({ port: Number(arg('port', '0')), host: '127.0.0.1', ...(arg('mac', 'on') === 'off' ? { mac: false } : {}) });
const admin = await startHostAdmin(host, { port: 0 });
process.stdout.write(`listening ${host.port} control ${admin.port}\n`);
process.once('SIGTERM', () => void Promise.all([admin.close(), host.close()]).then(() => process.exit(0)));
