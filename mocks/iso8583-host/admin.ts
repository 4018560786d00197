/**
 * The card host's control port: an HTTP endpoint on loopback, separate from the ISO 8583 port, so
 * that tests and people can drive a host that Railyard does not own (one running in its own
 * process, outliving a Railyard crash) and read its journal, the bank's own record of what it did.
 *
 *   GET  /state                    connections, network messages answered, stall
 *   GET  /journal                  every ledger entry (last 4 digits only, never a card number)
 *   POST /faults   {"fault":"decline","on":"authorize","code":"51","count":2}
 *   POST /stall    {"ms":3000}     answer nothing for that long, from now
 *   POST /drop     {"refuse":true} close every connection (and refuse new ones)
 *   POST /network  {"code":"161"}  send a network request to every acquirer; answers its replies
 *   POST /reset                    back to normal (the ledger is kept)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HostTxnKind } from './ledger.js';
import { HOST_FAULTS, type HostFault, type Iso8583Host } from './server.js';

const KINDS: readonly HostTxnKind[] = ['verify', 'authorize', 'complete', 'purchase', 'reverse', 'refund'];
const MAX_BODY = 16 * 1024;

export interface HostAdmin {
  port: number;
  close(): Promise<void>;
}

/** A control request or fault spec that cannot be taken; the message names the field. */
export class HostControlError extends Error {
  override readonly name = 'HostControlError';
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HostControlError('body too large');
    chunks.push(c);
  }
  if (size === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HostControlError('body is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HostControlError('body must be a JSON object');
  return v as Record<string, unknown>;
}

/** A fault spec from the command line or the control port: `decline:authorize:51`, `stall`, `no_reply:refund`. */
export function parseFaultSpec(spec: string): { fault: HostFault; on?: HostTxnKind; code?: string } {
  const [fault, on, code] = spec.split(':');
  return checkFault({ fault, on: on === '' ? undefined : on, code });
}

function checkFault(b: Record<string, unknown>): { fault: HostFault; on?: HostTxnKind; code?: string } {
  const fault = b['fault'];
  if (typeof fault !== 'string' || !(HOST_FAULTS as readonly string[]).includes(fault)) throw new HostControlError(`fault: must be one of ${HOST_FAULTS.join(', ')}`);
  const on = b['on'];
  if (on !== undefined && (typeof on !== 'string' || !(KINDS as readonly string[]).includes(on))) throw new HostControlError(`on: must be one of ${KINDS.join(', ')}`);
  const code = b['code'];
  if (code !== undefined && (typeof code !== 'string' || !/^[0-9A-Z]{2,3}$/.test(code))) throw new HostControlError('code: must be a response code of 2 or 3 characters');
  if (fault !== 'decline' && code !== undefined) throw new HostControlError('code: only a decline takes a code');
  return { fault: fault as HostFault, ...(on !== undefined ? { on: on as HostTxnKind } : {}), ...(code !== undefined ? { code } : {}) };
}

const count = (v: unknown, name: string, max: number): number => {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new HostControlError(`${name}: must be an integer from 1 to ${max}`);
  return v;
};

export async function startHostAdmin(host: Iso8583Host, opts: { port?: number; host?: string } = {}): Promise<HostAdmin> {
  const bind = opts.host ?? '127.0.0.1';
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const route = `${req.method ?? ''} ${new URL(req.url ?? '/', 'http://admin').pathname}`;
    switch (route) {
      case 'GET /state':
        return send(res, 200, { connections: host.connections, networkMessages: host.networkMessages });
      case 'GET /journal':
        return send(res, 200, { entries: host.ledger.entries() });
      case 'POST /faults': {
        const b = await readJson(req);
        const f = checkFault(b);
        const n = count(b['count'], 'count', 1_000);
        for (let i = 0; i < n; i++) host.inject(f.fault, f.on, f.code);
        return send(res, 200, { queued: n, ...f });
      }
      case 'POST /stall': {
        const b = await readJson(req);
        const ms = count(b['ms'], 'ms', 3_600_000);
        host.stall(ms);
        return send(res, 200, { stalledForMs: ms });
      }
      case 'POST /drop': {
        const b = await readJson(req);
        host.dropConnections({ refuse: b['refuse'] === true });
        return send(res, 200, { dropped: true, refusing: b['refuse'] === true });
      }
      case 'POST /network': {
        const b = await readJson(req);
        const code = b['code'];
        if (typeof code !== 'string' || !/^[0-9]{3}$/.test(code)) throw new HostControlError('code: must be a 3-digit network management code');
        return send(res, 200, { replies: await host.networkRequest(code) });
      }
      case 'POST /reset':
        host.reset();
        return send(res, 200, { reset: true });
      default:
        return send(res, 404, { error: 'not_found' });
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HostControlError) send(res, 400, { error: 'bad_request', message: err.message });
      else send(res, 500, { error: 'internal' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bind, () => resolve());
  });
  const a = server.address();
  return {
    port: typeof a === 'object' && a !== null ? a.port : 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
