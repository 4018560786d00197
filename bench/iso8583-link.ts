/**
 * bench/iso8583-link: request/response pairs per second over loopback TCP against the card host
 * simulator running in its own process, with 1,000 requests in flight on one link. Target: 20,000
 * pairs/s. Run with MAC (retail 3DES both ways, as demo-card does) and without.
 */
import { loadDialect } from '../src/iso8583/index.js';
import { IsoLink } from '../src/iso8583/link/index.js';
import { createDialectMac } from '../src/iso8583/mac.js';
import { DEMO_MAC, DEMO_MAC_KEY_NAME } from '../mocks/iso8583-host/server.js';
import { round, spawnServer } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const IN_FLIGHT = 1_000;

const startHost = (mac: boolean) => spawnServer(new URL('./iso8583-host-process.ts', import.meta.url), ['--port', '0', '--mac', mac ? 'on' : 'off']);

async function measure(mac: boolean): Promise<{ pairsPerSecond: number; timeouts: number }> {
  const host = await startHost(mac);
  const dialect = loadDialect('demo-card');
  const link = new IsoLink({
    host: '127.0.0.1',
    port: host.port,
    dialect,
    framing: { header: 'binary2' },
    requestTimeoutMs: 10_000,
    echoIntervalMs: 0,
    networkFields: { '41': 'BENCH001' },
    // What demo-card does: the dialect's MAC spec, the key from configuration.
    ...(mac ? { mac: createDialectMac(dialect, { [DEMO_MAC_KEY_NAME]: DEMO_MAC.keyHex }) } : {}),
  });
  link.start();
  await link.ready(10_000);
  let stan = 0;
  let done = 0;
  let failed = 0;
  const end = performance.now() + SECONDS * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const s = String(++stan % 1_000_000).padStart(6, '0');
      try {
        await link.request({
          '0': '0100',
          '2': '4242424242424242',
          '3': '000000',
          '4': '000000001000',
          '7': '1127101525',
          '11': s,
          '14': '3112',
          '32': '470011',
          '41': 'BENCH001',
          '42': 'BENCHMERCHANT00',
          '49': '978',
          '127': { '2': `bench-${stan}`, '4': `pay-${stan}` },
        });
        done++;
      } catch {
        failed++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await link.close();
  await host.stop();
  return { pairsPerSecond: round(done / elapsed, 0), timeouts: failed };
}

export async function run(): Promise<{ withMac: { pairsPerSecond: number; timeouts: number }; withoutMac: { pairsPerSecond: number; timeouts: number }; inFlight: number }> {
  return { withMac: await measure(true), withoutMac: await measure(false), inFlight: IN_FLIGHT };
}

// Run directly (`tsx bench/x.ts`); bench/run.ts imports the module and calls run() itself.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
