/**
 * `bench/batch`: the batch rail's two targets in one run.
 *   transport: a 100 MB file up and down through SftpTransport, and with OpenSSH's `sftp` client
 *              against the same loopback sshd (target: at least 0.5x its throughput);
 *   reconcile: a 100k-entry camt.053 against 100k payments (target: <= 10 s and <= 300 MB RSS),
 *              next to a parse-only baseline.
 * Each half is its own module (bench/batch-transport.ts, bench/batch-reconcile.ts) and runs alone too.
 */
import { fileURLToPath } from 'node:url';
import { run as reconcile } from './batch-reconcile.js';
import { run as transport } from './batch-transport.js';

export async function run(): Promise<Record<string, unknown>> {
  return { transport: await transport(), reconcile: await reconcile() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await run(), null, 2));
}
