/**
 * The servers bench/engine.ts measures, each in its own process so that the load generator does
 * not share the server's event loop: `bare` (a trivial hono JSON route) or `railyard` (the sandbox
 * on SQLite in a fresh data directory). Prints `listening <port>` once ready.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sandboxConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { startRailyard } from '../src/server.js';
import { BENCH_KEY } from './lib.js';

const kind = process.argv[2];

if (kind === 'bare') {
  const app = new Hono();
  app.get('/ping', (c) => c.json({ ok: true, at: Date.now() }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  server.once('listening', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
} else if (kind === 'railyard') {
  const dataDir = mkdtempSync(join(tmpdir(), 'railyard-bench-'));
  const running = await startRailyard(sandboxConfig({ RAILYARD_SANDBOX_RAILS: 'inprocess', RAILYARD_DATA_DIR: dataDir, RAILYARD_SANDBOX_API_KEY: BENCH_KEY, PORT: '0', HOST: '127.0.0.1' }), { log: silentLogger() });
  process.stdout.write(`listening ${running.port}\n`);
  process.once('SIGTERM', () =>
    void running.stop().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }),
  );
} else {
  process.stderr.write('usage: engine-server.ts bare|railyard\n');
  process.exit(2);
}
