import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../log.js';
import type { Store, WebhookAttemptUpdate, WebhookDeliveryRecord, WebhookEndpointRecord } from '../../store/types.js';
import { DestinationPolicy } from './destination.js';
import { postWebhook } from './send.js';
import type { WebhookEndpoints } from './endpoints.js';
import { eventBody } from './payload.js';
import { DISABLE_AFTER_MS, retryDelay } from './schedule.js';
import { asymmetricSignatures } from './ed25519.js';
import { signatureHeader } from './signature.js';

export interface WebhookWorkerOptions {
  store: Store;
  endpoints: WebhookEndpoints;
  /** Schedules retries and counts failure streaks (the injectable clock). */
  clock: Clock;
  log: Logger;
  owner: string;
  /**
   * Wall time for the `webhook-timestamp` header. Receivers compare it with their own clock
   * (replay protection), so it stays real time even when tests move the engine clock.
   */
  wallClock?: () => number;
  /** Real milliseconds a receiver has to answer. */
  timeoutMs?: number;
  batchSize?: number;
  maxConcurrency?: number;
  /**
   * Non-repudiation: base64 of Railyard's detached CMS signature over the exact body, for merchants
   * that asked for one (undefined otherwise). Sent as `railyard-signature`.
   */
  signBody?: (merchantId: string, body: string) => Promise<string | undefined>;
  /** Where deliveries may go (SSRF defence); checked again before every attempt. */
  destinations?: DestinationPolicy;
}

/** The header carrying Railyard's own CMS signature over the event body. */
export const NON_REPUDIATION_HEADER = 'railyard-signature';

type AttemptResult = Awaited<ReturnType<typeof postWebhook>>;

/**
 * Claims due deliveries (one per endpoint and payment, in version order: the store's claim
 * guarantees it), POSTs them signed, and writes the result back with the next retry time.
 */
export class WebhookWorker {
  private readonly running = new Set<Promise<void>>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly o: WebhookWorkerOptions) {}

  /** The engine loop listens: a recorded delivery may make the next one of its line due now. */
  onProgress(listener: () => void): void {
    this.listeners.push(listener);
  }

  private get destinations(): DestinationPolicy {
    return (this.policy ??= this.o.destinations ?? new DestinationPolicy());
  }
  private policy: DestinationPolicy | undefined;

  private get timeoutMs(): number {
    return this.o.timeoutMs ?? 15_000;
  }

  nextDue(): Promise<number | null> {
    return this.o.store.nextWebhookDue();
  }

  async tick(): Promise<number> {
    const room = Math.min(this.o.batchSize ?? 32, (this.o.maxConcurrency ?? 64) - this.running.size);
    if (room <= 0) return 0;
    const now = this.o.clock.now();
    const claimed = await this.o.store.transaction((tx) =>
      // the lease outlives the request timeout, so a live worker never loses its delivery
      tx.claimWebhookDeliveries({ now, limit: room, owner: this.o.owner, leaseMs: this.timeoutMs * 2 + 10_000 }),
    );
    for (const d of claimed) {
      const p = this.deliver(d).catch((err: unknown) => this.o.log.error({ err: errorName(err), delivery: d.id }, 'webhook delivery bookkeeping failed'));
      this.running.add(p);
      void p.finally(() => {
        this.running.delete(p);
        for (const l of this.listeners) l();
      });
    }
    return claimed.length;
  }

  /** Resolves when every claimed delivery has been answered (or timed out) and recorded. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async deliver(d: WebhookDeliveryRecord): Promise<void> {
    const { store } = this.o;
    const [event, endpoint] = await Promise.all([store.getEvent(d.eventId), store.getWebhookEndpoint(d.endpointId)]);
    if (!event || !endpoint) throw new Error(`delivery ${d.id}: event or endpoint missing`);
    const payment = await store.getPayment(event.paymentId);
    if (!payment) throw new Error(`delivery ${d.id}: payment missing`);
    const refund = event.refundId ? await store.getRefund(event.refundId) : null;
    const body = eventBody(event, payment, refund);
    const result = await this.post(endpoint, event.id, body);
    await this.record(d, result);
  }

  private async post(endpoint: WebhookEndpointRecord, msgId: string, body: string): Promise<AttemptResult> {
    const at = this.o.clock.now();
    const secrets = this.o.endpoints.signingSecrets(endpoint, at).map((s) => s.reveal());
    const keys = this.o.endpoints.signingKeys(endpoint, at).map((k) => k.reveal());
    const timestamp = Math.floor((this.o.wallClock ?? Date.now)() / 1000);
    // v1 entries first, then v1a, space separated: receivers try each until one verifies
    const signature = [signatureHeader(msgId, timestamp, body, secrets), ...asymmetricSignatures(msgId, timestamp, body, keys)].filter(Boolean).join(' ');
    const cms = this.o.signBody ? await this.o.signBody(endpoint.merchantId, body) : undefined;
    return postWebhook({
      url: endpoint.url,
      destinations: this.destinations,
      timeoutMs: this.timeoutMs,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'railyard-webhooks/1',
        'webhook-id': msgId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
        ...(cms ? { [NON_REPUDIATION_HEADER]: cms } : {}),
      },
    });
  }

  /** Writes the attempt and the endpoint's failure streak in one transaction. */
  private async record(d: WebhookDeliveryRecord, r: AttemptResult): Promise<void> {
    const at = this.o.clock.now();
    await this.o.store.transaction(async (tx) => {
      const e = await tx.lockWebhookEndpoint(d.endpointId);
      if (!e) throw new Error(`endpoint ${d.endpointId} vanished`);
      let update: WebhookAttemptUpdate;
      if (r.ok) {
        update = { status: 'delivered', nextAttemptAt: at, lastStatusCode: r.statusCode, lastError: null, at };
        await tx.updateWebhookEndpoint({ ...e, consecutiveFailures: 0, failingSince: null, updatedAt: at });
      } else {
        const failingSince = e.failingSince ?? at;
        const disable = e.status === 'enabled' && at - failingSince >= DISABLE_AFTER_MS;
        const disabled = disable || e.status === 'disabled';
        const delay = retryDelay(d.attempts);
        // A disabled endpoint keeps its deliveries pending: re-enabling it sends them.
        const status = delay === null && !disabled ? 'failed' : 'pending';
        update = { status, nextAttemptAt: at + (delay ?? 0), lastStatusCode: r.statusCode, lastError: r.error, at };
        await tx.updateWebhookEndpoint({
          ...e,
          consecutiveFailures: e.consecutiveFailures + 1,
          failingSince,
          ...(disable ? { status: 'disabled' as const, disabledAt: at } : {}),
          updatedAt: at,
        });
        if (disable) this.o.log.warn({ endpoint: e.id, merchant: e.merchantId }, 'webhook endpoint disabled after persistent failure');
      }
      await tx.recordWebhookAttempt(d.id, update);
    });
  }
}

/** Receivers' messages and URLs stay out of the logs; the error class is enough to diagnose. */
function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : err.name;
  }
  return typeof err;
}
