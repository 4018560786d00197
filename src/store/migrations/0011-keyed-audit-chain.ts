import type { Migration } from './types.js';

/*
 * Keyed audit chains (src/store/audit-chain.ts). History rows gain their position in the payment's
 * chain and the id of the audit key whose HMAC is their hash; the payment row gains the chain head
 * (length, last hash, the head's MAC and its key id), moved in the transaction of every append so
 * a deleted tail leaves a head pointing past the end.
 *
 * SQL cannot compute an HMAC, so rows that exist now stay as they are ("legacy": migration 3's
 * SHA-256 links, or none) and their number per payment is recorded as the boundary. The first keyed
 * row of such a payment links to the last legacy hash, which seals the legacy rows from then on.
 */
const both = `
ALTER TABLE history ADD COLUMN chain_index INTEGER;
ALTER TABLE history ADD COLUMN key_id TEXT;
ALTER TABLE payments ADD COLUMN audit_count INTEGER;
ALTER TABLE payments ADD COLUMN audit_hash TEXT;
ALTER TABLE payments ADD COLUMN audit_mac TEXT;
ALTER TABLE payments ADD COLUMN audit_key_id TEXT;
ALTER TABLE payments ADD COLUMN audit_legacy_count INTEGER NOT NULL DEFAULT 0;
UPDATE payments SET audit_legacy_count = (SELECT COUNT(*) FROM history WHERE history.payment_id = payments.id);
`;

export const keyedAuditChain: Migration = { version: 11, name: 'keyed-audit-chain', sqlite: both, postgres: both };
