import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStore, SQLITE_FILE, SqliteStore, createStore, type Store } from '../../src/store/index.js';
import { payment } from './fixtures.js';

describe('createStore', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'railyard-create-'));
    dirs.push(d);
    return d;
  }

  it('defaults to SQLite at <dataDir>/railyard.db, creating the directory', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const store = createStore({ dataDir });
    stores.push(store);
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.kind).toBe('sqlite');
    await store.migrate();
    const p = payment();
    await store.transaction((tx) => tx.insertPayment(p));
    expect(existsSync(join(dataDir, SQLITE_FILE))).toBe(true);
    expect(await store.getPayment(p.id)).toEqual(p);
  });

  it('treats an empty databaseUrl as unset', () => {
    const store = createStore({ databaseUrl: '', dataDir: tempDir() });
    stores.push(store);
    expect(store.kind).toBe('sqlite');
  });

  it.each(['postgres://u@127.0.0.1:5432/db', 'postgresql://u@127.0.0.1/db'])('selects PostgreSQL for %s', (url) => {
    const store = createStore({ databaseUrl: url, dataDir: tempDir() });
    stores.push(store);
    expect(store).toBeInstanceOf(PostgresStore);
    expect(store.kind).toBe('postgres');
  });

  it('refuses another scheme instead of silently using SQLite, without echoing the password', () => {
    expect(() => createStore({ databaseUrl: 'mysql://user:secret@db/x', dataDir: tempDir() })).toThrow(/unsupported scheme/);
    expect(() => createStore({ databaseUrl: 'mysql://user:secret@db/x', dataDir: tempDir() })).not.toThrow(/secret/);
  });
});
