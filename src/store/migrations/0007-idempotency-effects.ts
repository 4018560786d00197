import type { Migration } from './types.js';

/*
 * An idempotency key is bound to the effect it stands for (the payment, refund or confirmation it
 * created) in the same transaction as that effect, and held by one request at a time:
 * - `owner` is a random token of the request holding the key; a retry that takes over an abandoned
 *   key gets a new token, so the slow original can no longer bind an effect or store a response;
 * - `effect_kind` / `effect_id` name the committed effect; a key with an effect is never taken over
 *   and never released, and a retry answers from that effect instead of creating another.
 * Rows from before this migration have no owner ('') and no effect: they behave as before.
 */
const both = `ALTER TABLE idempotency ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotency ADD COLUMN effect_kind TEXT;
ALTER TABLE idempotency ADD COLUMN effect_id TEXT;`;

export const idempotencyEffects: Migration = { version: 7, name: 'idempotency-effects', sqlite: both, postgres: both };
