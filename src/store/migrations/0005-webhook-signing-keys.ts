import type { Migration } from './types.js';

/*
 * Ed25519 signing keys of webhook endpoints (Standard Webhooks `v1a`), a JSON list like `secrets`
 * so a rotated key keeps signing beside the new one. A column of its own rather than entries in
 * `secrets`: code that knows only HMAC secrets never mistakes an Ed25519 key for one. Existing
 * endpoints get an empty list: they keep signing with HMAC only.
 */

const sqlite = `ALTER TABLE webhook_endpoints ADD COLUMN signing_keys TEXT NOT NULL DEFAULT '[]';`;

const postgres = `ALTER TABLE webhook_endpoints ADD COLUMN signing_keys JSONB NOT NULL DEFAULT '[]'::jsonb;`;

export const webhookSigningKeys: Migration = { version: 5, name: 'webhook-signing-keys', sqlite, postgres };
