import type { Store, StoreTx } from '../../src/store/types.js';

/** What the fault store throws: the process "died" at this point; nothing after it runs. */
export class Crash extends Error {
  override readonly name = 'Crash';
}

/**
 * Where the process dies, deterministically:
 * - `at`: when `method` (a Store or StoreTx method) is called, before it runs; inside a
 *   transaction that transaction rolls back;
 * - `commitOf`: the transaction that called `method` fails at COMMIT (rolls back whole);
 * - `afterCommitOf`: the transaction that called `method` commits, then the process dies.
 * From then on every store call throws (the process is gone) until `restart()`: the same
 * database, found again by a new process.
 */
export type FaultPoint = { at: string } | { commitOf: string } | { afterCommitOf: string };

export interface FaultStore {
  store: Store;
  crash(point: FaultPoint): void;
  /** The process came back: the store answers again, nothing armed. */
  restart(): void;
  /** Whether the armed fault has fired. */
  readonly crashed: boolean;
}

export function faultStore(inner: Store): FaultStore {
  const s = { dead: false, point: null as FaultPoint | null };
  const die = (where: string): never => {
    s.dead = true;
    s.point = null;
    throw new Crash(`process killed (${where})`);
  };
  const alive = (method: string): void => {
    if (s.dead) throw new Crash(`process is dead (${method} after the crash)`);
    if (s.point && 'at' in s.point && s.point.at === method) die(`at ${method}`);
  };
  const wrapTx = (tx: StoreTx, seen: Set<string>): StoreTx =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          alive(String(prop));
          seen.add(String(prop));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const marked = (seen: Set<string>, kind: 'commitOf' | 'afterCommitOf'): boolean => {
    const p = s.point;
    if (!p) return false;
    if (kind === 'commitOf') return 'commitOf' in p && seen.has(p.commitOf);
    return 'afterCommitOf' in p && seen.has(p.afterCommitOf);
  };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      if (prop === 'close' || prop === 'migrate') return fn.bind(target);
      if (prop === 'transaction') {
        return async <T>(body: (tx: StoreTx) => Promise<T>): Promise<T> => {
          alive('transaction');
          const seen = new Set<string>();
          const result = await target.transaction(async (tx) => {
            const r = await body(wrapTx(tx, seen));
            // throwing here, after the last write, makes the store roll back: a failed COMMIT
            if (marked(seen, 'commitOf')) die('at COMMIT');
            return r;
          });
          if (marked(seen, 'afterCommitOf')) die('right after COMMIT');
          return result;
        };
      }
      return (...args: unknown[]) => {
        alive(String(prop));
        return fn.apply(target, args);
      };
    },
  });
  return {
    store,
    crash(point) {
      s.point = point;
    },
    restart() {
      s.dead = false;
      s.point = null;
    },
    get crashed() {
      return s.dead;
    },
  };
}
