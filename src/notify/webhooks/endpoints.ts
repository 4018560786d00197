import type { Clock } from '../../domain/clock.js';
import { Secret } from '../../domain/secret.js';
import type { Vault } from '../../domain/vault.js';
import type { EventRecord, Store, StoreTx, WebhookDeliveryRecord, WebhookEndpointRecord } from '../../store/types.js';
import { webhookId } from './ids.js';
import { generateSecret, secretKey } from './signature.js';

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export class WebhookEndpointError extends Error {
  override readonly name = 'WebhookEndpointError';
  constructor(
    readonly status: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Endpoints and the delivery queue. Secrets are stored sealed by the vault (bound to the endpoint
 * id), opened only to sign; the clear secret is handed out once, when it is created.
 */
export class WebhookEndpoints {
  constructor(
    private readonly store: Store,
    private readonly vault: Vault,
    private readonly clock: Clock,
  ) {}

  async create(merchantId: string, url: string, secret: string = generateSecret()): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    checkUrl(url);
    secretKey(secret);
    const at = this.clock.now();
    const id = webhookId('we', at);
    const endpoint: WebhookEndpointRecord = {
      id,
      merchantId,
      url,
      secrets: [{ sealed: this.seal(id, secret), createdAt: at, expiresAt: null }],
      status: 'enabled',
      consecutiveFailures: 0,
      failingSince: null,
      disabledAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.store.transaction((tx) => tx.insertWebhookEndpoint(endpoint));
    return { endpoint, secret };
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
      const kept = e.secrets
        .filter((s) => s.expiresAt === null || s.expiresAt > at)
        .map((s) => ({ ...s, expiresAt: s.expiresAt === null ? at + overlapMs : Math.min(s.expiresAt, at + overlapMs) }));
      const next: WebhookEndpointRecord = { ...e, secrets: [...kept, { sealed: this.seal(id, secret), createdAt: at, expiresAt: null }], updatedAt: at };
      await tx.updateWebhookEndpoint(next);
      return next;
    });
    return { endpoint, secret };
  }

  /**
   * Sandbox start-up: the merchant's endpoint at `url` gets exactly `secret` (created, or its
   * secrets replaced, and enabled). A new random secret is made when none is given.
   */
  async ensure(merchantId: string, url: string, secret?: string): Promise<WebhookEndpointRecord> {
    checkUrl(url);
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
    return e.secrets.filter((s) => s.expiresAt === null || s.expiresAt > at).map((s) => this.vault.open(s.sealed, aad(e.id)));
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

  private async owned(tx: StoreTx, merchantId: string, id: string): Promise<WebhookEndpointRecord> {
    const e = await tx.lockWebhookEndpoint(id);
    if (!e || e.merchantId !== merchantId) throw new WebhookEndpointError(404, 'resource_missing', 'no such webhook endpoint');
    return e;
  }

  private seal(endpointId: string, secret: string): string {
    return this.vault.seal(new Secret(secret), aad(endpointId));
  }
}

const aad = (endpointId: string): string => `webhook-secret:${endpointId}`;

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

function checkUrl(url: string): void {
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new WebhookEndpointError(400, 'invalid_url', 'url must be an http(s) URL');
  }
}
