import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransactionConflict, isTransientStoreError } from '../../src/store/index.js';
import { openStore } from '../engine/fault-setup.js';
import { storeFaults, withFaults } from './faults.js';
import { payment } from './fixtures.js';

describe('isTransientStoreError: one classification of store failures', () => {
  it('knows the drivers\' transient failures, and nothing else', () => {
    expect(isTransientStoreError(storeFaults.sqliteBusy())).toBe(true);
    expect(isTransientStoreError(new Database.SqliteError('database table is locked', 'SQLITE_LOCKED_SHAREDCACHE'))).toBe(true);
    expect(isTransientStoreError(storeFaults.batchAborted())).toBe(true);
    expect(isTransientStoreError(storeFaults.pgDeadlock())).toBe(true);
    expect(isTransientStoreError(storeFaults.pgSerialization())).toBe(true);
    expect(isTransientStoreError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientStoreError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransientStoreError(new Error('Connection terminated unexpectedly'))).toBe(true);
    // wrapped: a statement refused after an earlier deadlock in the same transaction
    expect(isTransientStoreError(new Error('store transaction aborted by an earlier error', { cause: storeFaults.pgDeadlock() }))).toBe(true);

    expect(isTransientStoreError(storeFaults.pgCheckViolation())).toBe(false);
    expect(isTransientStoreError(new Database.SqliteError('UNIQUE constraint failed: payments.id', 'SQLITE_CONSTRAINT_PRIMARYKEY'))).toBe(false);
    expect(isTransientStoreError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientStoreError('busy')).toBe(false);
    // only a rollback to break a conflict is re-run by the store itself
    expect(isTransactionConflict(storeFaults.pgDeadlock())).toBe(true);
    expect(isTransactionConflict(storeFaults.sqliteBusy())).toBe(false);
  });
});

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of drops.splice(0)) await d();
});

describe.each([
  ['postgres', storeFaults.pgDeadlock],
  ['postgres', storeFaults.pgSerialization],
  ['sqlite', storeFaults.batchAborted],
] as const)('a %s transaction rolled back by a conflict (%o)', (kind, fault) => {
  it('runs again transparently, a bounded number of times, and commits once', async () => {
    const opened = await openStore(kind);
    drops.push(opened.drop);
    const f = withFaults(opened.store);
    f.rules.push({ match: (sql) => sql.startsWith('INSERT INTO payments'), error: fault, times: 2 });
    let runs = 0;
    const p = payment();
    await f.store.transaction(async (tx) => {
      runs++;
      await tx.insertPayment(p);
    });
    expect(runs).toBe(3);
    expect((await opened.store.getPayment(p.id))?.id).toBe(p.id);

    // past the bound the conflict reaches the caller, and nothing was written
    f.rules.push({ match: (sql) => sql.startsWith('INSERT INTO payments'), error: fault, times: 99 });
    runs = 0;
    const q = payment();
    await expect(f.store.transaction(async (tx) => {
      runs++;
      await tx.insertPayment(q);
    })).rejects.toMatchObject({ name: fault().name });
    expect(runs).toBe(5);
    expect(await opened.store.getPayment(q.id)).toBeNull();
  });

  it('does not run again for a permanent failure', async () => {
    const opened = await openStore(kind);
    drops.push(opened.drop);
    const f = withFaults(opened.store);
    f.rules.push({ match: (sql) => sql.startsWith('INSERT INTO payments'), error: storeFaults.pgCheckViolation, times: 99 });
    let runs = 0;
    await expect(f.store.transaction(async (tx) => {
      runs++;
      await tx.insertPayment(payment());
    })).rejects.toMatchObject({ code: '23514' });
    expect(runs).toBe(1);
  });
});
