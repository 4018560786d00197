import { PostgresStore } from '../../src/store/postgres/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';
import { randomSchema, resolveTestDatabaseUrl } from '../store/pg-harness.js';

/** The two stores the batch rail's tests run on: SQLite in memory, PostgreSQL in a schema dropped after. */
export const BATCH_STORES: [string, () => Promise<{ store: Store; drop: () => Promise<void> }>][] = [
  ['SQLite', async () => ({ store: new SqliteStore({ path: ':memory:' }), drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const schema = randomSchema();
      const url = await resolveTestDatabaseUrl();
      const store = new PostgresStore({ connectionString: url, schema, maxConnections: 4 });
      return {
        store,
        drop: async () => {
          const admin = new PostgresStore({ connectionString: url, maxConnections: 1 });
          await admin.sqlTransaction((db) => db.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
          await admin.close();
        },
      };
    },
  ],
];
