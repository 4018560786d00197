import type { Migration } from './types.js';

/*
 * Several nodes run the same batch worker: a built file is uploaded by the node holding its lease,
 * so two nodes never send the same file at once (the bank would refuse the second copy as a
 * duplicate, but would see it). A lease that ran out (its node died mid-upload) is taken over.
 */
const both = `ALTER TABLE batch_files ADD COLUMN lease_until BIGINT;`;

export const batchUploadLease: Migration = { version: 6, name: 'batch-upload-lease', sqlite: both, postgres: both };
