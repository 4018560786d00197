import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import type { PaymentRecord } from '../../src/store/types.js';
import { runStoreConformance } from './conformance.js';
import { T0, deferred, payment } from './fixtures.js';
import { STORE_TABLES, randomSchema, resolveTestDatabaseUrl } from './pg-harness.js';

const urlPromise = resolveTestDatabaseUrl();
// Reported by the first awaiting test; this only keeps Node from flagging an unhandled rejection.
urlPromise.catch(() => undefined);

const schema = randomSchema();
const extraSchemas: string[] = [];
let admin: pg.Client | undefined;

async function adminClient(): Promise<pg.Client> {
  if (!admin) {
    admin = new pg.Client({ connectionString: await urlPromise });
    await admin.connect();
  }
  return admin;
}

afterAll(async () => {
  if (!admin) return;
  for (const s of [schema, ...extraSchemas]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.end();
});

runStoreConformance('postgres', async () => {
  const connectionString = await urlPromise;
  const client = await adminClient();
  const store = new PostgresStore({ connectionString, schema });
  return {
    store,
    cleanup: async () => {
      await store.close();
      const tables = STORE_TABLES.map((t) => `"${schema}".${t}`).join(', ');
      await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    },
  };
});

describe('PostgresStore specifics', () => {
  let connectionString: string;

  beforeAll(async () => {
    connectionString = await urlPromise;
  });

  function freshSchema(): string {
    const s = randomSchema();
    extraSchemas.push(s);
    return s;
  }

  it('several processes migrating one new schema at once apply each migration once', async () => {
    const s = freshSchema();
    const stores = Array.from({ length: 4 }, () => new PostgresStore({ connectionString, schema: s }));
    try {
      await Promise.all(stores.map((st) => st.migrate()));
      const client = await adminClient();
      const { rows } = await client.query<{ version: number }>(
        `SELECT version FROM "${s}".schema_migrations ORDER BY version`,
      );
      expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    } finally {
      await Promise.all(stores.map((st) => st.close()));
    }
  });

  it('keeps schemas apart: every pooled client uses its store schema', async () => {
    const s1 = freshSchema();
    const s2 = freshSchema();
    const one = new PostgresStore({ connectionString, schema: s1, maxConnections: 3 });
    const two = new PostgresStore({ connectionString, schema: s2, maxConnections: 3 });
    try {
      await Promise.all([one.migrate(), two.migrate()]);
      const p = payment();
      await one.transaction((tx) => tx.insertPayment(p));
      // several reads at once spread over several pooled clients
      const reads = await Promise.all(Array.from({ length: 6 }, () => two.getPayment(p.id)));
      expect(reads).toEqual(Array.from({ length: 6 }, () => null));
      expect(await one.getPayment(p.id)).toEqual(p);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('lockPayment makes a second locker wait until the first commits', async () => {
    const store = new PostgresStore({ connectionString, schema: freshSchema() });
    try {
      await store.migrate();
      const p = payment();
      await store.transaction((tx) => tx.insertPayment(p));
      const locked = deferred();
      const release = deferred();
      const first = store.transaction(async (tx) => {
        const row = await tx.lockPayment(p.id);
        locked.resolve();
        await release.promise;
        await tx.updatePayment(p.id, { ...(row as PaymentRecord), version: 2, updatedAt: T0 + 1 });
      });
      await locked.promise;
      let secondSaw: number | undefined;
      const second = store.transaction(async (tx) => {
        secondSaw = (await tx.lockPayment(p.id))?.version;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(secondSaw).toBeUndefined();
      release.resolve();
      await Promise.all([first, second]);
      expect(secondSaw).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('returns int8 as numbers through its own pool only, leaving the global pg parsers alone', async () => {
    const store = new PostgresStore({ connectionString, schema: freshSchema() });
    try {
      await store.migrate();
      const p = payment({ amount: Number.MAX_SAFE_INTEGER });
      await store.transaction((tx) => tx.insertPayment(p));
      expect((await store.getPayment(p.id))?.amount).toBe(Number.MAX_SAFE_INTEGER);
      expect(await store.countPaymentsByStatus()).toEqual({ processing: 1 });
      const globalInt8 = pg.types.getTypeParser(20, 'text') as (text: string) => unknown;
      expect(globalInt8('42')).toBe('42');
    } finally {
      await store.close();
    }
  });

  it('rejects a schema name that would need quoting', () => {
    expect(() => new PostgresStore({ connectionString, schema: 'bad; DROP' })).toThrow(/schema must match/);
  });
});
