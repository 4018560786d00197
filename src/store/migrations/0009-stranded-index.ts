import type { Migration } from './types.js';

/*
 * The sweeper (src/engine/sweeper.ts) looks for open aggregates unchanged for a while: indexes on
 * (status, updated_at) keep that to the old open rows only. The payments one replaces the index on
 * status alone, of which it is a prefix (counts by status still use it).
 */
const both = `
CREATE INDEX payments_status_updated_idx ON payments (status, updated_at);
DROP INDEX payments_status_idx;
CREATE INDEX refunds_status_updated_idx ON refunds (status, updated_at);
`;

export const strandedIndex: Migration = { version: 9, name: 'stranded-index', sqlite: both, postgres: both };
