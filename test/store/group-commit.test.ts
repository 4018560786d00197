import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/store/sqlite/connection.js';
import { GroupCommit } from '../../src/store/sqlite/group-commit.js';
import { AsyncMutex } from '../../src/store/sqlite/mutex.js';

/**
 * A connection that fails chosen control statements: the failures a real SQLite gives only with a
 * broken disk. Every caller must hear an answer, and a failure must never escape as an unhandled
 * rejection (it would end the process).
 */
function fakeConnection(failures: Record<string, number>) {
  const log: string[] = [];
  const db = {
    inTransaction: false,
    prepare(sql: string) {
      return {
        run() {
          log.push(sql);
          if ((failures[sql] ?? 0) > 0) {
            failures[sql] = (failures[sql] ?? 0) - 1;
            throw new Error(`${sql} failed: disk I/O error`);
          }
          if (sql === 'COMMIT' || sql === 'ROLLBACK') db.inTransaction = false;
        },
      };
    },
  };
  const group = new GroupCommit(db as unknown as Connection, new AsyncMutex(), async () => {
    log.push('BEGIN IMMEDIATE');
    db.inTransaction = true;
  });
  return { log, group };
}

describe('GroupCommit when SQLite itself fails', () => {
  it('a failing SAVEPOINT reaches its caller; the transactions not yet started get a batch of their own', async () => {
    const { log, group } = fakeConnection({ 'SAVEPOINT job': 1 });
    const outcomes = await Promise.allSettled([group.run(async () => 'x'), group.run(async () => 'y')]);
    expect(outcomes).toMatchObject([
      { status: 'rejected', reason: { message: 'SAVEPOINT job failed: disk I/O error' } },
      { status: 'fulfilled', value: 'y' },
    ]);
    expect(log).toEqual(['BEGIN IMMEDIATE', 'SAVEPOINT job', 'ROLLBACK', 'BEGIN IMMEDIATE', 'SAVEPOINT job', 'RELEASE job', 'COMMIT']);
  });

  it('a failing RELEASE refuses that transaction instead of reporting it committed, and rolls back its batch', async () => {
    const { log, group } = fakeConnection({ 'RELEASE job': 1 });
    let ranFirst = false;
    const outcomes = await Promise.allSettled([
      group.run(async () => {
        ranFirst = true;
        return 1;
      }),
      group.run(async () => 2),
    ]);
    expect(ranFirst).toBe(true);
    expect(outcomes).toMatchObject([{ status: 'rejected' }, { status: 'fulfilled', value: 2 }]);
    expect(log.slice(0, 4)).toEqual(['BEGIN IMMEDIATE', 'SAVEPOINT job', 'RELEASE job', 'ROLLBACK']);
  });

  it('a failing COMMIT refuses every transaction of the batch', async () => {
    const { log, group } = fakeConnection({ COMMIT: 1 });
    const outcomes = await Promise.allSettled([group.run(async () => 1), group.run(async () => 2)]);
    expect(outcomes).toMatchObject([
      { status: 'rejected', reason: { message: 'COMMIT failed: disk I/O error' } },
      { status: 'rejected', reason: { message: 'COMMIT failed: disk I/O error' } },
    ]);
    expect(log.at(-1)).toBe('ROLLBACK');
  });

  it('a failing ROLLBACK after a failed COMMIT still answers every caller and throws nowhere', async () => {
    const { group } = fakeConnection({ COMMIT: 1, ROLLBACK: 1 });
    const outcomes = await Promise.allSettled([group.run(async () => 1)]);
    expect(outcomes[0]?.status).toBe('rejected');
  });
});
