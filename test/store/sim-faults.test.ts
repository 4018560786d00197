import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreFaults, storeFaultsFromEnv, SIM_STORE_FAULTS_ENV } from '../../src/store/sim-faults.js';
import { createStore, PostgresStore, SqliteStore } from '../../src/store/index.js';
import { isBusy } from '../../src/store/sqlite/errors.js';
import { payment } from './fixtures.js';
import { randomSchema, resolveTestDatabaseUrl } from './pg-harness.js';

/**
 * The fault simulator's store failures must be indistinguishable from the drivers' own: the code
 * above the store (retries, busy handling) keys on the error class and code.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const noop = { all: async () => [], run: async () => 1 };

describe('store fault injection (RAILYARD_SIM_STORE_FAULTS)', () => {
  it('is off without the variable, and names the variable when a rate is bad', () => {
    expect(storeFaultsFromEnv({}, 'sqlite')).toBeUndefined();
    expect(storeFaultsFromEnv({ [SIM_STORE_FAULTS_ENV]: '' }, 'sqlite')).toBeUndefined();
    expect(() => storeFaultsFromEnv({ [SIM_STORE_FAULTS_ENV]: '{"statement": 2}' }, 'sqlite')).toThrow(/RAILYARD_SIM_STORE_FAULTS: statement/);
  });

  it('SQLite: a statement fails as better-sqlite3 does when the database is locked', async () => {
    const faults = new StoreFaults({ seed: 's', statement: 1, commit: 0 }, 'sqlite');
    const err = await faults.wrap(noop).run('UPDATE x SET y = 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Database.SqliteError);
    expect((err as { code: string }).code).toBe('SQLITE_BUSY');
    expect(isBusy(err)).toBe(true);
    expect(faults.injected.statement).toBe(1);
  });

  it('PostgreSQL: serialization failures and deadlocks are pg DatabaseErrors with 40001 / 40P01', async () => {
    const faults = new StoreFaults({ seed: 'p', statement: 1, commit: 0 }, 'postgres');
    const codes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const err = await faults.wrap(noop).all('SELECT 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(pg.DatabaseError);
      codes.add((err as pg.DatabaseError).code ?? '');
    }
    expect(codes).toEqual(new Set(['40001', '40P01']));
  });

  it('the same seed fails the same statements; rate 0 never fails', async () => {
    const pattern = async (seed: string): Promise<boolean[]> => {
      const f = new StoreFaults({ seed, statement: 0.3, commit: 0 }, 'sqlite');
      const ex = f.wrap(noop);
      const out: boolean[] = [];
      for (let i = 0; i < 50; i++) out.push(await ex.run('x').then(() => false, () => true));
      return out;
    };
    expect(await pattern('a')).toEqual(await pattern('a'));
    expect(await pattern('a')).not.toEqual(await pattern('b'));
    expect((await pattern('a')).some(Boolean)).toBe(true);
    const never = new StoreFaults({ seed: 'z', statement: 0, commit: 0 }, 'sqlite');
    for (let i = 0; i < 100; i++) await expect(never.wrap(noop).run('x')).resolves.toBe(1);
  });

  it('a failing COMMIT on SQLite rolls the transaction back: nothing of it is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-simfaults-'));
    dirs.push(dir);
    const store = new SqliteStore({ path: join(dir, 'db.sqlite'), faults: new StoreFaults({ seed: 'c', statement: 0, commit: 1 }, 'sqlite') });
    await store.migrate();
    const p = payment();
    const err = await store.transaction((tx) => tx.insertPayment(p)).catch((e: unknown) => e);
    expect(isBusy(err)).toBe(true);
    expect(await store.getPayment(p.id)).toBeNull();
    await store.close();
  });

  it('a failing COMMIT on PostgreSQL rolls the transaction back: nothing of it is stored', async () => {
    const url = await resolveTestDatabaseUrl();
    const schema = randomSchema();
    const store = new PostgresStore({ connectionString: url, schema, faults: new StoreFaults({ seed: 'c', statement: 0, commit: 1 }, 'postgres') });
    try {
      await store.migrate();
      const p = payment();
      const err = await store.transaction((tx) => tx.insertPayment(p)).catch((e: unknown) => e);
      expect(['40001', '40P01']).toContain((err as pg.DatabaseError).code);
      expect(await store.getPayment(p.id)).toBeNull();
    } finally {
      await store.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('createStore wires the variable into the SQLite store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-simfaults-'));
    dirs.push(dir);
    process.env[SIM_STORE_FAULTS_ENV] = JSON.stringify({ seed: 'w', statement: 1, commit: 0 });
    try {
      const store = createStore({ dataDir: dir });
      await store.migrate();
      const err = await store.transaction((tx) => tx.insertPayment(payment())).catch((e: unknown) => e);
      expect(isBusy(err)).toBe(true);
      await store.close();
    } finally {
      delete process.env[SIM_STORE_FAULTS_ENV];
    }
  });
});
