import type { Clock } from '../../domain/clock.js';
import { Secret } from '../../domain/secret.js';
import type { Vault } from '../../domain/vault.js';
import type { EventRecord, Store, StoreTx, WebhookDeliveryRecord, WebhookEndpointRecord, WebhookSigningKeyRecord } from '../../store/types.js';
import { DestinationPolicy, DestinationRefused } from './destination.js';
import { generateSigningKey, publicKeyOf } from './ed25519.js';
import { webhookId } from './ids.js';
import { generateSecret, secretKey } from './signature.js';

/** How long a rotated-out secret (or signing key) keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** Standard Webhooks signature identifiers: `v1` HMAC-SHA256, `v1a` Ed25519. */
export type WebhookSignatureScheme = 'v1' | 'v1a';
export const SIGNATURE_SCHEMES: readonly WebhookSignatureScheme[] = ['v1', 'v1a'];

/** What the merchant's receiver needs to check `v1a`: a public key and how long it signs. */
export interface WebhookPublicKey {
  publicKey: string;
  createdAt: number;
  expiresAt: number | null;
}

export class WebhookEndpointError extends Error {
  override readonly name = 'WebhookEndpointError';
  constructor(
    readonly status: 400 | 404 | 422,
    readonly code: string,
    message: string,
    /** The request field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Endpoints and the delivery queue. Secrets and Ed25519 secret keys are stored sealed by the vault
 * (bound to the endpoint id), opened only to sign; a clear HMAC secret is handed out once, when it
 * is created, and an Ed25519 secret key never (only its public key, which may be read any time).
 */
export class WebhookEndpoints {
  constructor(
    private readonly store: Store,
    private readonly vault: Vault,
    private readonly clock: Clock,
    /** Where webhooks may go: a URL is checked at registration and again at each delivery. */
    private readonly destinations: DestinationPolicy = new DestinationPolicy(),
  ) {}

  /**
   * A new endpoint signing with `signatures`: `v1` (default) with `secret` or a generated one,
   * `v1a` with a generated Ed25519 key, or both (each delivery then carries both signatures).
   */
  async create(
    merchantId: string,
    url: string,
    secret?: string,
    signatures: readonly WebhookSignatureScheme[] = ['v1'],
  ): Promise<{ endpoint: WebhookEndpointRecord; secret?: string; publicKey?: string }> {
    checkSchemes(signatures, secret);
    await this.checkUrl(url);
    const v1 = signatures.includes('v1') ? (secret ?? generateSecret()) : undefined;
    if (v1 !== undefined) secretKey(v1);
    const pair = signatures.includes('v1a') ? generateSigningKey() : undefined;
    const at = this.clock.now();
    const id = webhookId('we', at);
    const endpoint: WebhookEndpointRecord = {
      id,
      merchantId,
      url,
      secrets: v1 === undefined ? [] : [{ sealed: this.seal(id, v1), createdAt: at, expiresAt: null }],
      signingKeys: pair ? [this.sealKey(id, pair.secretKey, at)] : [],
      status: 'enabled',
      consecutiveFailures: 0,
      failingSince: null,
      disabledAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.transaction((tx) => tx.insertWebhookEndpoint(endpoint));
    return { endpoint, ...(v1 !== undefined ? { secret: v1 } : {}), ...(pair ? { publicKey: pair.publicKey } : {}) };
  }

  list(merchantId: string): Promise<WebhookEndpointRecord[]> {
    return this.store.listWebhookEndpoints(merchantId);
  }

  /** Re-enables a disabled endpoint and makes its waiting deliveries due now. */
  async enable(merchantId: string, id: string): Promise<WebhookEndpointRecord> {
    const at = this.clock.now();
    return this.store.transaction(async (tx) => {
      const e = await this.owned(tx, merchantId, id);
      const next: WebhookEndpointRecord = { ...e, status: 'enabled', consecutiveFailures: 0, failingSince: null, disabledAt: null, updatedAt: at };
      await tx.updateWebhookEndpoint(next);
      await tx.rescheduleWebhookDeliveries(id, at);
      return next;
    });
  }

  /**
   * Adds a new secret; the previous ones keep signing for `overlapMs`, so a receiver can switch
   * at its own pace (both signatures are sent meanwhile).
   */
  async rotate(merchantId: string, id: string, secret: string = generateSecret(), overlapMs = ROTATION_OVERLAP_MS): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    secretKey(secret);
    const at = this.clock.now();
    const endpoint = await this.store.transaction(async (tx) => {
      const e = await this.owned(tx, merchantId, id);
      const next: WebhookEndpointRecord = { ...e, secrets: [...overlapped(e.secrets, at, overlapMs), { sealed: this.seal(id, secret), createdAt: at, expiresAt: null }], updatedAt: at };
      await tx.updateWebhookEndpoint(next);
      return next;
    });
    return { endpoint, secret };
  }

  /**
   * Adds a new Ed25519 key (which turns `v1a` on for an endpoint that had none); the previous keys
   * keep signing for `overlapMs`, as secrets do. Returns the new public key; the secret key stays
   * sealed here.
   */
  async rotateSigningKey(
    merchantId: string,
    id: string,
    secretKey: string = generateSigningKey().secretKey,
    overlapMs = ROTATION_OVERLAP_MS,
  ): Promise<{ endpoint: WebhookEndpointRecord; publicKey: string }> {
    const publicKey = publicKeyOf(secretKey);
    const at = this.clock.now();
    const endpoint = await this.store.transaction(async (tx) => {
      const e = await this.owned(tx, merchantId, id);
      const next: WebhookEndpointRecord = { ...e, signingKeys: [...overlapped(e.signingKeys ?? [], at, overlapMs), this.sealKey(id, secretKey, at)], updatedAt: at };
      await tx.updateWebhookEndpoint(next);
      return next;
    });
    return { endpoint, publicKey };
  }

  /**
   * Sandbox start-up: the merchant's endpoint at `url` gets exactly `secret` (created, or its
   * secrets replaced, and enabled). A new random secret is made when none is given.
   */
  async ensure(merchantId: string, url: string, secret?: string): Promise<WebhookEndpointRecord> {
    await this.checkUrl(url);
    const existing = (await this.store.listWebhookEndpoints(merchantId)).find((e) => e.url === url);
    if (!existing) return (await this.create(merchantId, url, secret)).endpoint;
    if (secret === undefined) return existing;
    secretKey(secret);
    const at = this.clock.now();
    const next: WebhookEndpointRecord = {
      ...existing,
      secrets: [{ sealed: this.seal(existing.id, secret), createdAt: at, expiresAt: null }],
      status: 'enabled',
      consecutiveFailures: 0,
      failingSince: null,
      disabledAt: null,
      updatedAt: at,
    };
    await this.store.transaction((tx) => tx.updateWebhookEndpoint(next));
    return next;
  }

  /** The clear secrets that sign now (unexpired), newest last. */
  signingSecrets(e: WebhookEndpointRecord, at: number): Secret<string>[] {
    return e.secrets.filter((s) => live(s, at)).map((s) => this.vault.open(s.sealed, aad(e.id)));
  }

  /** The clear `whsk_` keys that sign now (unexpired), newest last. */
  signingKeys(e: WebhookEndpointRecord, at: number): Secret<string>[] {
    return (e.signingKeys ?? []).filter((k) => live(k, at)).map((k) => this.vault.open(k.sealed, keyAad(e.id)));
  }

  /** The public keys whose secret halves sign now (default: the service clock's now), newest last. */
  publicKeys(e: WebhookEndpointRecord, at: number = this.clock.now()): WebhookPublicKey[] {
    return (e.signingKeys ?? []).filter((k) => live(k, at)).map((k) => ({ publicKey: k.publicKey, createdAt: k.createdAt, expiresAt: k.expiresAt }));
  }

  /** Called by the runner inside the event's transaction: one delivery per enabled endpoint. */
  readonly queue = async (tx: StoreTx, e: EventRecord): Promise<void> => {
    for (const endpoint of await tx.listWebhookEndpointsIn(e.merchantId)) {
      if (endpoint.status === 'enabled') await tx.insertWebhookDelivery(delivery(e, endpoint.id, e.createdAt));
    }
  };

  /** `POST /v1/events/{id}/redeliver`: a new delivery to each of the merchant's endpoints, due now. */
  async redeliver(e: EventRecord): Promise<WebhookDeliveryRecord[]> {
    const at = this.clock.now();
    return this.store.transaction(async (tx) => {
      const endpoints = await tx.listWebhookEndpointsIn(e.merchantId);
      if (endpoints.length === 0) throw new WebhookEndpointError(404, 'webhooks_not_configured', 'no webhook endpoint is configured for this merchant');
      const made = endpoints.map((ep) => delivery(e, ep.id, at));
      for (const d of made) await tx.insertWebhookDelivery(d);
      return made;
    });
  }

  /**
   * Refuses URLs whose host is (or resolves to) an address inside: one message whatever the
   * reason, so the answers do not tell which internal names exist.
   */
  private async checkUrl(url: string): Promise<void> {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new WebhookEndpointError(400, 'invalid_url', 'url must be an http(s) URL', 'url');
    }
    try {
      await this.destinations.check(url);
    } catch (err) {
      if (err instanceof DestinationRefused) throw new WebhookEndpointError(422, 'url_not_allowed', err.message, 'url');
      throw err;
    }
  }

  private async owned(tx: StoreTx, merchantId: string, id: string): Promise<WebhookEndpointRecord> {
    const e = await tx.lockWebhookEndpoint(id);
    if (!e || e.merchantId !== merchantId) throw new WebhookEndpointError(404, 'resource_missing', 'no such webhook endpoint');
    return e;
  }

  private seal(endpointId: string, secret: string): string {
    return this.vault.seal(new Secret(secret), aad(endpointId));
  }

  private sealKey(endpointId: string, secretKey: string, at: number): WebhookSigningKeyRecord {
    return { sealed: this.vault.seal(new Secret(secretKey), keyAad(endpointId)), publicKey: publicKeyOf(secretKey), createdAt: at, expiresAt: null };
  }
}

const aad = (endpointId: string): string => `webhook-secret:${endpointId}`;
// its own label, so a sealed signing key can never be opened (and used) as an HMAC secret
const keyAad = (endpointId: string): string => `webhook-signing-key:${endpointId}`;

const live = (s: { expiresAt: number | null }, at: number): boolean => s.expiresAt === null || s.expiresAt > at;

/** The entries still signing at `at`, each now ending no later than `at + overlapMs`. */
function overlapped<T extends { expiresAt: number | null }>(entries: readonly T[], at: number, overlapMs: number): T[] {
  return entries.filter((s) => live(s, at)).map((s) => ({ ...s, expiresAt: s.expiresAt === null ? at + overlapMs : Math.min(s.expiresAt, at + overlapMs) }));
}

function checkSchemes(signatures: readonly WebhookSignatureScheme[], secret: string | undefined): void {
  if (signatures.length === 0 || new Set(signatures).size !== signatures.length || !signatures.every((s) => SIGNATURE_SCHEMES.includes(s))) {
    throw new WebhookEndpointError(400, 'invalid_signatures', 'signatures must list v1, v1a or both, once each', 'signatures');
  }
  if (secret !== undefined && !signatures.includes('v1')) {
    throw new WebhookEndpointError(400, 'invalid_signatures', 'a whsec_ secret signs v1: add v1 to signatures or leave the secret out', 'secret');
  }
}

function delivery(e: EventRecord, endpointId: string, at: number): WebhookDeliveryRecord {
  return {
    id: webhookId('whd', at),
    eventId: e.id,
    endpointId,
    paymentId: e.paymentId,
    version: e.version,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    leaseOwner: null,
    leaseUntil: null,
    lastStatusCode: null,
    lastError: null,
    createdAt: at,
    completedAt: null,
  };
}
