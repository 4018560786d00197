import { REQUEST_SIGNATURE_HEADER } from '../../connectors/demo-sepa/evidence.js';
import type { Credential } from '../../src/trust/keys.js';
import type { SignatureVerifier } from '../../src/trust/verify.js';
import { requestXml, signedReply, type BankSignatureMode, type SignatureChecks } from './signatures.js';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Iso20022Error } from '../../src/iso20022/index.js';
import { FLOW_OF, readIncoming, SimulatedBank, UnsupportedMessage, type Incoming } from './bank.js';
import { BankLedger, type BankFlow, type LedgerEntry } from './ledger.js';
import type { StatusLevel } from './replies.js';

/**
 * Faults on command. The conformance kit's names and the simulator's own are both accepted:
 * `late_reply` = `slow_reply`, `duplicate_reply` = `duplicate_push`, `malformed_reply` = `invalid_xml`.
 * - no_reply: the request arrives (and is counted) but is neither executed nor answered.
 * - slow_reply: executed at once, answered after `slowReplyMs`.
 * - duplicate_push: executed and answered, then the same status report is pushed to the callback.
 * - invalid_xml: executed, answered with a body that is not XML.
 * - bad_signature (with `signer`): a real signature that does not cover what is sent (detached:
 *   over other bytes; enveloped: the embedded XML changed by one byte after signing).
 * - unreachable: the bank stops accepting connections (whatever the flow: a refused connection
 *   happens before the bank could know what was asked) for `unreachableMs` or until `clearFaults()`.
 */
export type BankFault =
  | 'no_reply'
  | 'slow_reply'
  | 'late_reply'
  | 'duplicate_push'
  | 'duplicate_reply'
  | 'invalid_xml'
  | 'malformed_reply'
  | 'bad_signature'
  | 'unreachable';

export interface Iso20022BankOptions {
  port?: number;
  host?: string;
  /** Where status reports are pushed: Railyard's `POST /v1/connectors/{id}/inbound`. */
  callbackUrl?: string;
  /** How long a pending transfer (DE91100000000123456789) stays pending (default 2 s). */
  settleAfterMs?: number;
  slowReplyMs?: number;
  unreachableMs?: number;
  /** Delay of a duplicate push after the reply (default 50 ms). */
  duplicatePushDelayMs?: number;
  /** Keep the ledger in this file (JSON lines) so the bank outlives a restart of Railyard's process. */
  journalPath?: string;
  /** The bank signs its replies and pushes with this (detached: `x-bank-signature`, CMS over the body). */
  signer?: Credential;
  /** Checks Railyard's request signatures (detached: `x-railyard-signature`); results in `signatureChecks`. */
  requestVerifier?: SignatureVerifier;
  /**
   * `enveloped`: requests are taken as DER CMS SignedData with the XML inside (verified with
   * `requestVerifier` when given), and replies and pushes are sent that way (when `signer` is
   * given). Default `detached`.
   */
  signatureMode?: BankSignatureMode;
}

export type { BankSignatureMode, SignatureChecks };

export interface Iso20022Bank {
  url: string;
  port: number;
  ledger: BankLedger;
  inject(fault: BankFault, flow: BankFlow): void;
  /** Drops queued faults and reply settings and comes back online. */
  clearFaults(): Promise<void>;
  setCallbackUrl(url: string | undefined): void;
  signatureChecks: SignatureChecks;
  /** pain.002 statuses per transaction (default), once per payment block, or once per message. */
  setStatusLevel(level: StatusLevel): void;
  /** The next transfer reply says this status (and reason) while the bank does what it decided. */
  answerNextTransfer(status: string, reason?: string): void;
  /** Resolves when every push scheduled so far was delivered or given up. */
  pushesSettled(): Promise<void>;
  close(): Promise<void>;
}

/** Request path -> accepted message types: one resource per kind of request, as bank APIs have. */
export const BANK_PATHS: Readonly<Record<string, readonly string[]>> = {
  '/verifications': ['acmt.023.001.03'],
  '/payments': ['pain.001.001.09', 'pacs.008.001.08'],
  '/status-requests': ['pacs.028.001.03'],
  '/cancellations': ['camt.055.001.08', 'camt.056.001.08'],
  '/returns': ['pacs.004.001.09'],
};

const ALIAS: Readonly<Record<BankFault, BankFault>> = {
  no_reply: 'no_reply',
  slow_reply: 'slow_reply',
  late_reply: 'slow_reply',
  duplicate_push: 'duplicate_push',
  duplicate_reply: 'duplicate_push',
  invalid_xml: 'invalid_xml',
  malformed_reply: 'invalid_xml',
  bad_signature: 'bad_signature',
  unreachable: 'unreachable',
};

const XML = { 'content-type': 'application/xml; charset=utf-8' };

export async function startIso20022Bank(opts: Iso20022BankOptions = {}): Promise<Iso20022Bank> {
  const host = opts.host ?? '127.0.0.1';
  const mode = opts.signatureMode ?? 'detached';
  const ledger = new BankLedger(opts.journalPath);
  const bank = new SimulatedBank(ledger, { settleAfterMs: opts.settleAfterMs ?? 2_000, now: () => Date.now() });
  const faults = new Map<BankFlow, BankFault[]>();
  let callbackUrl = opts.callbackUrl;
  const held = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const pushes = new Set<Promise<void>>();
  let offlineTimer: NodeJS.Timeout | undefined;
  let closing = false;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  /** Pushes the entry's current status report; a few tries, as banks do, then gives up. */
  const push = (e: LedgerEntry): void => {
    const url = callbackUrl;
    if (!url || closing) return;
    const report = bank.statusReport(e);
    const p = (async () => {
      const { body, headers } = opts.signer ? await signedReply(report, opts.signer, mode) : { body: report, headers: XML };
      for (let attempt = 0; attempt < 3 && !closing; attempt++) {
        try {
          const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          if (res.ok) {
            e.pushes++;
            ledger.record(e);
            return;
          }
        } catch {
          // the receiver is down or slow: try again shortly
        }
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    })();
    pushes.add(p);
    void p.finally(() => pushes.delete(p));
  };

  const schedulePending = (entries: LedgerEntry[]): void => {
    for (const e of entries) {
      if (e.settlesAt === undefined) continue;
      later(Math.max(0, e.settlesAt - Date.now()), () => {
        ledger.settle(e);
        push(e);
      });
    }
  };

  // Transfers left pending by an earlier run of the bank still settle, and are still reported.
  schedulePending(ledger.entries().filter((e) => e.status === 'PDNG'));

  const app = new Hono();

  app.post('/_control/faults', async (c) => {
    const { fault, flow } = ((await c.req.json().catch(() => ({}))) ?? {}) as { fault?: string; flow?: string };
    if (!fault || !(fault in ALIAS) || !flow || !Object.values(FLOW_OF).includes(flow as BankFlow)) {
      return c.json({ error: 'expected {"fault": one of ' + Object.keys(ALIAS).join('|') + ', "flow": verify|transfer|inquire|reverse|refund}' }, 400);
    }
    inject(fault as BankFault, flow as BankFlow);
    return c.json({ ok: true });
  });
  app.get('/_control/ledger', (c) => c.json(ledger.entries().map(({ source: _s, ...e }) => e)));

  const signatureChecks: SignatureChecks = { verified: 0, failed: 0, missing: 0 };

  for (const [path, types] of Object.entries(BANK_PATHS)) {
    app.post(path, async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const xml = await requestXml(body, c.req.header(REQUEST_SIGNATURE_HEADER), mode, opts.requestVerifier, signatureChecks);
      if (xml === null) return c.text('unreadable request: no CMS SignedData with content', 400);
      let inc: Incoming;
      try {
        inc = readIncoming(xml);
      } catch (err) {
        if (err instanceof Iso20022Error || err instanceof UnsupportedMessage) return c.text(`unreadable request: ${err.message}`, 400);
        throw err;
      }
      if (!types.includes(inc.type)) return c.text(`${path} takes ${types.join(' or ')}, not ${inc.type}`, 400);
      const fault = faults.get(inc.flow)?.shift();
      bank.arrive(inc, fault !== 'no_reply');
      if (fault === 'no_reply') {
        // Held until the client gives up or the bank shuts down; never executed.
        await new Promise<void>((resolve) => held.add(resolve));
        return c.text('bank shutting down', 503);
      }
      const done = bank.handle(inc);
      schedulePending(done.pending);
      if (fault === 'slow_reply') await new Promise<void>((r) => later(opts.slowReplyMs ?? 1_500, r));
      if (fault === 'invalid_xml') return c.body('<Document><not-closed', 200, XML);
      if (fault === 'duplicate_push') later(opts.duplicatePushDelayMs ?? 50, () => done.touched.forEach(push));
      if (!opts.signer) return c.body(done.reply, 200, XML);
      const signed = await signedReply(done.reply, opts.signer, mode, fault === 'bad_signature');
      return c.body(signed.body, 200, signed.headers);
    });
  }

  const server: ServerType = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const httpServer = (): Server => server as Server;

  const goOffline = (): void => {
    if (offlineTimer === undefined) {
      httpServer().close();
      httpServer().closeAllConnections();
    } else clearTimeout(offlineTimer);
    offlineTimer = setTimeout(() => void goOnline(), opts.unreachableMs ?? 3_000);
  };
  const goOnline = async (): Promise<void> => {
    if (offlineTimer === undefined) return;
    clearTimeout(offlineTimer);
    offlineTimer = undefined;
    if (closing) return;
    await new Promise<void>((r) => httpServer().listen(port, host, () => r()));
  };

  function inject(fault: BankFault, flow: BankFlow): void {
    const f = ALIAS[fault];
    if (f === 'unreachable') return goOffline();
    const list = faults.get(flow) ?? [];
    list.push(f);
    faults.set(flow, list);
  }

  return {
    url: `http://${host}:${port}`,
    port,
    ledger,
    signatureChecks,
    inject,
    clearFaults: async () => {
      faults.clear();
      // back to plain per-transaction answers, so one test's way of answering never leaks into the next
      bank.statusLevel = 'transaction';
      bank.nextTransferReply = undefined;
      await goOnline();
    },
    setCallbackUrl: (url) => {
      callbackUrl = url;
    },
    setStatusLevel: (level) => {
      bank.statusLevel = level;
    },
    answerNextTransfer: (status, reason) => {
      bank.nextTransferReply = { status, ...(reason !== undefined ? { reason } : {}) };
    },
    pushesSettled: async () => {
      while (pushes.size > 0) await Promise.allSettled([...pushes]);
    },
    close: async () => {
      closing = true;
      for (const t of timers) clearTimeout(t);
      if (offlineTimer !== undefined) clearTimeout(offlineTimer);
      for (const release of held) release();
      await Promise.allSettled([...pushes]);
      const s = httpServer();
      if (!s.listening) return;
      await new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      });
    },
  };
}
