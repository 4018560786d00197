/**
 * bench/engine: complete payments per second over HTTP (create -> verify -> confirm -> transfer)
 * with 50 concurrent clients through the sandbox connector on SQLite, next to a bare hono JSON
 * endpoint measured in the same run with the same client. Then the latency of create at half
 * the peak payment rate. Each server runs in its own process; client and server share this
 * machine's cores, as they do for the baseline.
 */
import { Pool } from 'undici';
import { BENCH_KEY, closedLoop, percentiles, processCpuMs, request, round, spawnServer } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 50;
const KEY = BENCH_KEY;

async function startServer(kind: 'bare' | 'railyard'): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const server = await spawnServer(new URL('./engine-server.ts', import.meta.url), [kind]);
  return { url: `http://127.0.0.1:${server.port}`, pid: server.pid, stop: server.stop };
}

async function bareBaseline(): Promise<{ rate: number; cpuUsPerRequest: number }> {
  const server = await startServer('bare');
  const pool = new Pool(server.url, { connections: CLIENTS });
  const cpuBefore = processCpuMs(server.pid);
  const r = await closedLoop(CLIENTS, SECONDS, async () => {
    const res = await request(pool, 'GET', '/ping', {});
    if (res.status !== 200) throw new Error(String(res.status));
  });
  const cpu = processCpuMs(server.pid) - cpuBefore;
  await pool.close();
  await server.stop();
  return { rate: r.done / r.elapsed, cpuUsPerRequest: (cpu * 1000) / Math.max(1, r.done) };
}

export interface EngineBenchResult {
  bareRequestsPerSecond: number;
  /** Server CPU time per request or payment: steadier than rates on a shared machine. */
  bareServerCpuUsPerRequest: number;
  paymentsPerSecond: number;
  serverCpuMsPerPayment: number;
  requestsPerPayment: number;
  railyardRequestsPerSecond: number;
  ratio: number;
  errors: number;
  halfRate: { paymentsPerSecond: number; createLatencyMs: { p50: number; p99: number; max: number; n: number } };
  /** `GET /healthz` on the Railyard server: the HTTP layer alone (request id, metrics, access log). */
  apiFloor: { requestsPerSecond: number; serverCpuUsPerRequest: number };
}

export async function runEngineBench(): Promise<EngineBenchResult> {
  const bare = await bareBaseline();

  const running = await startServer('railyard');
  const pool = new Pool(running.url, { connections: CLIENTS });
  const auth = { authorization: `Bearer ${KEY}` };
  let seq = 0;
  const createLatencies: number[] = [];

  /** One whole payment; `waitOnCreate` false measures create alone and waits with a GET after. */
  const onePayment = async (waitOnCreate: boolean): Promise<number> => {
    const n = ++seq;
    const started = performance.now();
    const created = await request(pool, 'POST', '/v1/payments', { ...auth, 'idempotency-key': `bench-${n}`, ...(waitOnCreate ? { prefer: 'wait=10' } : {}) }, {
      amount: 1000 + (n % 100),
      currency: 'EUR',
      order_id: `bench-${process.pid}-${n}`,
      payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2031 } },
      customer: { email: 'bench@example.test' },
    });
    if (!waitOnCreate) createLatencies.push(performance.now() - started);
    if (created.status !== 201) throw new Error(`create ${created.status}`);
    const id = created.body.id as string;
    let requests = 1;
    if (created.body.status !== 'requires_confirmation') {
      const waited = await request(pool, 'GET', `/v1/payments/${id}`, { ...auth, prefer: 'wait=10' });
      requests++;
      if (waited.body.status !== 'requires_confirmation') throw new Error(`status ${String(waited.body.status)}`);
    }
    // The code is sent by the outbox just after the status changes: poll for it, as a customer
    // waits for the mail (every poll counts as a request).
    let otp: string | undefined;
    for (let i = 0; i < 200 && otp === undefined; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 5));
      const inbox = await request(pool, 'GET', `/sandbox/notifications?payment_id=${id}`, auth);
      requests++;
      otp = (inbox.body.data as { otp?: string }[]).find((x) => x.otp)?.otp;
    }
    const confirmed = await request(pool, 'POST', `/v1/payments/${id}/confirm`, { ...auth, prefer: 'wait=10' }, { otp });
    requests++;
    if (confirmed.body.status !== 'succeeded') throw new Error(`final ${String(confirmed.body.status)}`);
    return requests;
  };

  let requestsTotal = 0;
  const cpuBefore = processCpuMs(running.pid);
  const peak = await closedLoop(CLIENTS, SECONDS, async () => {
    const made = await onePayment(true);
    requestsTotal += made;
  });
  const paymentsPerSecond = peak.done / peak.elapsed;
  const serverCpuMsPerPayment = (processCpuMs(running.pid) - cpuBefore) / Math.max(1, peak.done);
  const requestsPerPayment = peak.done > 0 ? requestsTotal / peak.done : 0;

  // Open loop at half the peak rate: a new payment every 1/rate seconds, whatever the others do.
  const rate = paymentsPerSecond / 2;
  const inflight: Promise<unknown>[] = [];
  const start = performance.now();
  let launched = 0;
  while (performance.now() - start < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (launched < due) {
      launched++;
      inflight.push(onePayment(false).catch(() => undefined));
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inflight);
  const halfElapsed = (performance.now() - start) / 1000;

  // The API's own floor: an unauthenticated GET through all of Railyard's middleware, same server
  // and client. The gap between this and a payment's three requests is the durable engine work.
  const floorCpuBefore = processCpuMs(running.pid);
  const floor = await closedLoop(CLIENTS, SECONDS, async () => {
    const res = await request(pool, 'GET', '/healthz', {});
    if (res.status !== 200) throw new Error(String(res.status));
  });
  const floorCpuUs = ((processCpuMs(running.pid) - floorCpuBefore) * 1000) / Math.max(1, floor.done);

  await pool.close();
  await running.stop();
  const railyardRps = paymentsPerSecond * requestsPerPayment;
  return {
    bareRequestsPerSecond: round(bare.rate, 0),
    bareServerCpuUsPerRequest: round(bare.cpuUsPerRequest, 1),
    paymentsPerSecond: round(paymentsPerSecond, 1),
    serverCpuMsPerPayment: round(serverCpuMsPerPayment, 2),
    requestsPerPayment: round(requestsPerPayment, 2),
    railyardRequestsPerSecond: round(railyardRps, 0),
    ratio: round(railyardRps / bare.rate, 3),
    errors: peak.errors,
    halfRate: { paymentsPerSecond: round(launched / halfElapsed, 1), createLatencyMs: percentiles(createLatencies) },
    apiFloor: { requestsPerSecond: round(floor.done / floor.elapsed, 0), serverCpuUsPerRequest: round(floorCpuUs, 1) },
  };
}

// Run directly (`tsx bench/x.ts`); bench/run.ts imports the module and calls run() itself.
if (import.meta.url === `file://${process.argv[1]}`) {
  runEngineBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}

/** bench/run.ts calls `run()` of every benchmark module. */
export const run = runEngineBench;
