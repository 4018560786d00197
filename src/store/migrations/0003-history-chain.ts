import type { Migration } from './types.js';

/*
 * Hash-chained history (tamper evidence): each row keeps the previous row's hash of the same
 * payment and its own. Rows written before this migration have neither and are reported by
 * `railyard audit verify` as unchained.
 */
const both = `
ALTER TABLE history ADD COLUMN prev_hash TEXT;
ALTER TABLE history ADD COLUMN hash TEXT;
`;

export const historyChain: Migration = { version: 3, name: 'history-chain', sqlite: both, postgres: both };
