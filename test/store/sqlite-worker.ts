/**
 * Child process for the multi-process SQLite test: bumps a payment's version N times, each in its
 * own transaction, against the shared file. Exits non-zero (with the error on stderr) on failure.
 */
import { SqliteStore } from '../../src/store/sqlite/index.js';

const [path, paymentId, count] = process.argv.slice(2);
if (!path || !paymentId || !count) throw new Error('usage: sqlite-worker <path> <paymentId> <count>');

const store = new SqliteStore({ path });
try {
  for (let i = 0; i < Number(count); i++) {
    await store.transaction(async (tx) => {
      const p = await tx.lockPayment(paymentId);
      if (!p) throw new Error(`missing ${paymentId}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await tx.updatePayment(paymentId, { ...p, version: p.version + 1, updatedAt: p.updatedAt + 1 });
    });
  }
} finally {
  await store.close();
}
