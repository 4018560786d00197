import { createHash } from 'node:crypto';
import type { MethodType } from '../connector/types.js';

export interface Merchant {
  id: string;
  name: string;
  /** SHA-256 hex of each active API key; at most two, so keys rotate without downtime. */
  apiKeyHashes: string[];
  /** May create payments with `confirmation: "none"`. */
  allowNoConfirmation: boolean;
  /** Default connector per payment-method type. */
  routes: Partial<Record<MethodType, string>>;
  /** Overrides the connector's refund window. */
  refundWindowDays?: number;
  /** Webhooks carry Railyard's detached CMS signature over the body. */
  nonRepudiation?: boolean;
}

/** API keys carry >= 128 bits of entropy, so one SHA-256 is enough; no slow KDF is needed per request. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export class MerchantDirectory {
  private readonly byKeyHash = new Map<string, Merchant>();
  private readonly byId = new Map<string, Merchant>();

  constructor(merchants: Merchant[]) {
    for (const m of merchants) {
      this.byId.set(m.id, m);
      for (const h of m.apiKeyHashes) this.byKeyHash.set(h, m);
    }
  }

  authenticate(key: string): Merchant | undefined {
    return this.byKeyHash.get(hashApiKey(key));
  }

  get(id: string): Merchant | undefined {
    return this.byId.get(id);
  }

  all(): Merchant[] {
    return [...this.byId.values()];
  }
}
