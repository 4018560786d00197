/**
 * The gateway's HTTP client: picks a live node, and retries what got no answer (connection
 * refused or reset while a node is down, a 5xx, `409 idempotency_in_flight`) the way a careful
 * gateway does, until a deadline. It records every answer each Idempotency-Key got, for invariant (c).
 */
import type { Node } from './processes.js';
import type { Prng } from './prng.js';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface RequestOptions {
  key?: string;
  wait?: boolean;
  /** Retry until this long has passed (0: one try). */
  retryMs?: number;
}

export class Api {
  /** Every resource id each Idempotency-Key was answered with. */
  readonly idsByKey = new Map<string, Set<string>>();
  /** Answers with status >= 500, counted (a store fault may surface as one; never a broken invariant alone). */
  serverErrors = 0;
  networkErrors = 0;

  constructor(
    private readonly nodes: readonly Node[],
    private readonly apiKey: string,
    private readonly rng: Prng,
  ) {}

  private pickNode(): Node {
    const alive = this.nodes.filter((n) => n.alive);
    return this.rng.pick(alive.length > 0 ? alive : this.nodes);
  }

  async send(method: 'GET' | 'POST', path: string, body?: unknown, o: RequestOptions = {}): Promise<Answer | undefined> {
    const end = Date.now() + (o.retryMs ?? 0);
    let pause = 100;
    for (;;) {
      const node = this.pickNode();
      let answer: Answer | undefined;
      try {
        const res = await fetch(`${node.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(o.key ? { 'idempotency-key': o.key } : {}),
            ...(o.wait ? { prefer: 'wait=5' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          parsed = { raw: text.slice(0, 200) };
        }
        answer = { status: res.status, body: parsed };
      } catch {
        this.networkErrors++;
      }
      if (answer && answer.status >= 500) this.serverErrors++;
      if (answer && o.key && (answer.status === 200 || answer.status === 201) && typeof answer.body['id'] === 'string') {
        let ids = this.idsByKey.get(o.key);
        if (!ids) this.idsByKey.set(o.key, (ids = new Set()));
        ids.add(answer.body['id']);
      }
      const retryable = !answer || answer.status >= 500 || (answer.status === 409 && answer.body['code'] === 'idempotency_in_flight');
      if (!retryable || Date.now() + pause > end) return answer;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 1_000);
    }
  }
}
