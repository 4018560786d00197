/**
 * bench/iso8583-link: request/response pairs per second over loopback TCP against the card host
 * simulator running in its own process, with 1,000 requests in flight on one link. Target: 20,000
 * pairs/s. Run with MAC (retail 3DES both ways, as demo-card does) and without; then two hosts
 * with a stall of the primary halfway (failover within 2 echo intervals, the rate unchanged).
 * Run: BENCH_SECONDS=10 npx tsx bench/iso8583-link.ts   (BENCH_ECHO_MS, default 500)
 */
import { loadDialect } from '../src/iso8583/index.js';
import { IsoHostClient, IsoLink } from '../src/iso8583/link/index.js';
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

const ECHO_MS = Number(process.env.BENCH_ECHO_MS ?? 500);

const request = (stan: number) => ({
  '0': '0100',
  '2': '4242424242424242',
  '3': '000000',
  '4': '000000001000',
  '7': '1127101525',
  '11': String(stan % 1_000_000).padStart(6, '0'),
  '14': '3112',
  '32': '470011',
  '41': 'BENCH001',
  '42': 'BENCHMERCHANT00',
  '49': '978',
  '127': { '2': `bench-${stan}`, '4': `pay-${stan}` },
});

/**
 * Two hosts behind one IsoHostClient (primary first); halfway through the run the primary stalls
 * (answers nothing, echoes included) through its control port. Reports how long the client took to
 * take the primary down (target: within 2 echo intervals), the requests that became unknown, and
 * the rate before the stall and after the failover (target: as steady).
 */
async function measureFailover(): Promise<Record<string, number>> {
  const script = new URL('./iso8583-host-process.ts', import.meta.url);
  const [primary, secondary] = await Promise.all([spawnServer(script, ['--port', '0', '--mac', 'off']), spawnServer(script, ['--port', '0', '--mac', 'off'])]);
  const control = Number(/control (\d+)/.exec(primary.out())?.[1]);
  let downAt = 0;
  const client = new IsoHostClient({
    endpoints: [
      { host: '127.0.0.1', port: primary.port },
      { host: '127.0.0.1', port: secondary.port },
    ],
    dialect: loadDialect('demo-card'),
    framing: { header: 'binary2' },
    requestTimeoutMs: 10_000,
    echoIntervalMs: ECHO_MS,
    // the primary stays down for the rest of the run once it is taken down
    reconnect: { initialMs: 60_000, maxMs: 60_000 },
    networkFields: { '41': 'BENCH001' },
  });
  client.start();
  await Promise.all(client.links.map((l) => l.ready(10_000)));
  const watch = setInterval(() => {
    if (downAt === 0 && client.links[0]?.state !== 'ready') downAt = performance.now();
  }, 1);
  let stan = 0;
  const done: number[] = [];
  let unknown = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const stallAt = started + (SECONDS * 1000) / 2;
  let stalled = false;
  let stalledAt = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      if (!stalled && performance.now() >= stallAt) {
        stalled = true;
        await fetch(`http://127.0.0.1:${control}/stall`, { method: 'POST', body: JSON.stringify({ ms: SECONDS * 2_000 }) });
        // the host has stalled by the time it answers: failover is measured from here
        stalledAt = performance.now();
      }
      try {
        await client.request(request(++stan));
        done.push(performance.now());
      } catch {
        unknown++;
        // not ready for a moment (both links briefly busy): do not spin
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  clearInterval(watch);
  await client.close();
  await Promise.all([primary.stop(), secondary.stop()]);
  const rate = (from: number, to: number): number => round(done.filter((t) => t >= from && t < to).length / ((to - from) / 1000), 0);
  return {
    echoIntervalMs: ECHO_MS,
    failoverMs: downAt > 0 ? round(downAt - stalledAt, 0) : -1,
    failoverInEchoIntervals: downAt > 0 ? round((downAt - stalledAt) / ECHO_MS, 2) : -1,
    stallCommandMs: round(stalledAt - stallAt, 0),
    unknownRequests: unknown,
    pairsPerSecondBeforeStall: rate(started, stallAt),
    pairsPerSecondAfterFailover: downAt > 0 ? rate(downAt, end) : 0,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  return { withMac: await measure(true), withoutMac: await measure(false), failover: await measureFailover(), inFlight: IN_FLIGHT };
}

// Run directly (`tsx bench/x.ts`); bench/run.ts imports the module and calls run() itself.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
