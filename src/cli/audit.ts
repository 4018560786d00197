/**
 * `railyard audit verify`: walks every payment's hash-chained timeline in the configured store
 * (RAILYARD_CONFIG / DATABASE_URL / RAILYARD_DATA_DIR, as `start` reads them) and reports the first
 * broken link of each chain. Exit 0 when every chain holds, 1 when one is broken, 2 on usage errors.
 */
import { loadConfig } from '../config.js';
import { verifyChain } from '../store/audit-chain.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';

export interface AuditIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function verifyAllChains(store: Store, io: AuditIo): Promise<number> {
  let after: string | null = null;
  let payments = 0;
  let rows = 0;
  let broken = 0;
  for (;;) {
    const ids = await store.listPaymentIds(after, 500);
    if (ids.length === 0) break;
    for (const id of ids) {
      const history = await store.listHistory(id);
      payments++;
      rows += history.length;
      const link = verifyChain(history);
      if (link) {
        broken++;
        io.stdout(`broken: ${link.paymentId} at history seq ${link.seq} (${link.reason})\n`);
      }
    }
    after = ids[ids.length - 1] ?? null;
  }
  io.stdout(`${payments} payments, ${rows} history rows checked: ${broken === 0 ? 'every chain holds' : `${broken} broken`}\n`);
  return broken === 0 ? 0 : 1;
}

export async function auditCommand(args: string[], io: AuditIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args[0] !== 'verify') {
    io.stderr('usage: railyard audit verify\n');
    return 2;
  }
  const config = loadConfig(env);
  const store = createStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await store.migrate();
    return await verifyAllChains(store, io);
  } finally {
    await store.close();
  }
}
