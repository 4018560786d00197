import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  webhookId: string;
  timestamp: string;
  /** The `webhook-signature` header split into its `v1,…` entries. */
  signatures: string[];
  body: string;
  /** The parsed body, when it verified with at least one secret. */
  event: unknown;
  /** The secrets (by index in `secrets`) whose verification by `standardwebhooks` passed. */
  verifiedWith: number[];
  /** `railyard-signature`: Railyard's detached CMS signature over the body (base64), when sent. */
  nonRepudiation?: string;
  /** What the receiver answered (0: dropped the connection). */
  answered: number;
  receivedAt: number;
}

export type ReceiverMode = 'ok' | 'error' | 'drop';

export interface WebhookReceiver {
  url: string;
  /** Every request, including the ones answered with an error. */
  received: ReceivedDelivery[];
  /** Requests answered 2xx, in arrival order. */
  accepted(): ReceivedDelivery[];
  /** 'ok' answers 200, 'error' answers 503, 'drop' closes the connection without answering. */
  setMode(mode: ReceiverMode): void;
  setSecrets(secrets: string[]): void;
  /** Resolves when `count` requests arrived (real time, up to `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
  close(): Promise<void>;
}

/**
 * A gateway's webhook endpoint for tests and local runs: records every delivery and checks its
 * Standard Webhooks signature with the independent `standardwebhooks` package, once per secret,
 * so a test sees which secrets a delivery was signed with. Also notices a second delivery of one
 * payment arriving while the first is still open (`overlaps`).
 */
export async function startWebhookReceiver(o: { secrets: string[]; port?: number; host?: string; delayMs?: number }): Promise<WebhookReceiver & { overlaps: number }> {
  const received: ReceivedDelivery[] = [];
  let secrets = [...o.secrets];
  let mode: ReceiverMode = 'ok';
  const open = new Map<string, number>();
  const state = { overlaps: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const verifiedWith: number[] = [];
    let event: unknown = undefined;
    secrets.forEach((s, i) => {
      try {
        event = new Webhook(s).verify(body, headers);
        verifiedWith.push(i);
      } catch {
        // not signed with this secret
      }
    });
    const paymentKey = paymentOf(body);
    if (paymentKey) {
      if ((open.get(paymentKey) ?? 0) > 0) state.overlaps++;
      open.set(paymentKey, (open.get(paymentKey) ?? 0) + 1);
    }
    if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
    if (paymentKey) open.set(paymentKey, (open.get(paymentKey) ?? 1) - 1);
    const answered = mode === 'ok' ? (verifiedWith.length > 0 ? 200 : 401) : mode === 'error' ? 503 : 0;
    received.push({
      webhookId: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signatures: headers['webhook-signature'].split(' ').filter(Boolean),
      ...(typeof req.headers['railyard-signature'] === 'string' ? { nonRepudiation: req.headers['railyard-signature'] } : {}),
      body,
      event,
      verifiedWith,
      answered,
      receivedAt: Date.now(),
    });
    if (answered === 0) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answered, { 'content-type': 'application/json' }).end(JSON.stringify({ received: answered === 200 }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/webhooks`,
    received,
    get overlaps() {
      return state.overlaps;
    },
    accepted: () => received.filter((r) => r.answered >= 200 && r.answered < 300),
    setMode: (m) => (mode = m),
    setSecrets: (s) => (secrets = [...s]),
    async waitFor(count, timeoutMs = 5_000) {
      const end = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function paymentOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { data?: { id?: unknown; payment_id?: unknown } };
    const id = parsed.data?.payment_id ?? parsed.data?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
