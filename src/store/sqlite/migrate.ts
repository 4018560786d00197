import { SCHEMA_MIGRATIONS_DDL, pendingMigrations, type Migration } from '../migrations/index.js';
import type { Connection } from './connection.js';

/** Applies what is missing; the caller holds the write lock (BEGIN IMMEDIATE) around it. */
export function applySqliteMigrations(db: Connection, now: number, all?: readonly Migration[]): number[] {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all();
  const applied = new Set(versions.filter((v): v is number => typeof v === 'number'));
  const done: number[] = [];
  for (const m of pendingMigrations(applied, all)) {
    db.exec(m.sqlite);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now);
    done.push(m.version);
  }
  return done;
}
