import type { Migration } from './types.js';

/*
 * A bank file signed with a detached CMS signature is proven by two files: the `.p7s` is archived
 * beside the file it signs (base64, with its own SHA-256), so the proof can be checked again later.
 */
const both = `ALTER TABLE batch_inbound ADD COLUMN sidecar TEXT;
ALTER TABLE batch_inbound ADD COLUMN sidecar_sha256 TEXT;`;

export const batchInboundSidecar: Migration = { version: 14, name: 'batch-inbound-sidecar', sqlite: both, postgres: both };
