import { randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';
import type { Vault } from '../../domain/vault.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/types.js';
import { DestinationPolicy, type Resolver } from './destination.js';
import { WebhookEndpoints } from './endpoints.js';
import { WebhookWorker, type WebhookWorkerOptions } from './worker.js';

export interface Webhooks {
  endpoints: WebhookEndpoints;
  worker: WebhookWorker;
}

/** The endpoint service and its delivery worker over one store (wired by src/server.ts and tests). */
export function createWebhooks(o: {
  store: Store;
  vault: Vault;
  clock: Clock;
  log: Logger;
  owner?: string;
  worker?: Partial<Pick<WebhookWorkerOptions, 'wallClock' | 'timeoutMs' | 'batchSize' | 'maxConcurrency' | 'signBody'>>;
  /** `webhooks.allow_private`: the only private destinations allowed (none by default). */
  allowPrivate?: readonly string[];
  /** Tests inject a resolver; the default asks the OS. */
  resolver?: Resolver;
}): Webhooks {
  const destinations = new DestinationPolicy({ ...(o.allowPrivate ? { allowPrivate: o.allowPrivate } : {}), ...(o.resolver ? { resolver: o.resolver } : {}) });
  const endpoints = new WebhookEndpoints(o.store, o.vault, o.clock, destinations);
  const worker = new WebhookWorker({
    store: o.store,
    endpoints,
    clock: o.clock,
    log: o.log,
    owner: o.owner ?? `webhooks-${process.pid}-${randomBytes(4).toString('hex')}`,
    destinations,
    ...o.worker,
  });
  return { endpoints, worker };
}
