/**
 * A card host speaking the demo-card dialect over TCP: it signs acquirers on, answers echoes,
 * authorises (0100), completes (0220), takes single-message purchases (0200), reverses and
 * refunds against its ledger, honours the card test values,
 * and misbehaves on command (no reply, late reply, two replies, garbage, dropped or refused
 * connections, stalls). Runnable alone (main.ts) and from tests.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { loadDialect, type Dialect, type FieldMap } from '../../src/iso8583/index.js';
import { createDialectMac, type MacConfig, type MessageMac } from '../../src/iso8583/mac.js';
import { corkedWrite } from '../../src/iso8583/link/cork.js';
import { DEFAULT_TPDU, FrameDecoder, encodeFrame, replyTpdu, type FramingOptions } from '../../src/iso8583/link/framing.js';
import { decideAuthorize, decideVerify, type CardDecision } from './cards.js';
import { answerInquiry, refuseInquiry, STATUS_INQUIRY_CODE } from './inquiry.js';
import { HostLedger, type HostEntry, type HostTxnKind } from './ledger.js';
import { isResponseMti } from '../../src/iso8583/link/matcher.js';
import { isNetworkRequest, networkFunctionOf, networkProfile, responseMtiOf } from '../../src/iso8583/network.js';

/**
 * `no_reply`: the request is lost before the host acts on it. `lose_reply`: the host acts, its reply
 * is lost. `bad_mac`: the host acts and its reply carries a broken MAC. `decline`: the host declines
 * with the code given beside the fault (never executing the request).
 */
export type HostFault = 'no_reply' | 'lose_reply' | 'late_reply' | 'answer_twice' | 'garbage_frame' | 'drop_connection' | 'stall' | 'bad_mac' | 'decline';

export const HOST_FAULTS: readonly HostFault[] = ['no_reply', 'lose_reply', 'late_reply', 'answer_twice', 'garbage_frame', 'drop_connection', 'stall', 'bad_mac', 'decline'];

/** The demo network's published test key (retail MAC, 3DES K1||K2): for simulators only. */
export const DEMO_MAC: MacConfig = { algorithm: 'retail-3des', keyHex: '0123456789ABCDEFFEDCBA9876543210' };
/** The name the demo-card dialect's `mac.key` gives DEMO_MAC. */
export const DEMO_MAC_KEY_NAME = 'demo-network';
export const DEMO_FRAMING: FramingOptions = { header: 'binary2' };

export interface Iso8583HostOptions {
  port?: number;
  host?: string;
  /** Dialect name or path; default `demo-card`. */
  dialect?: string;
  framing?: FramingOptions;
  /**
   * `false` turns MACs off. With a dialect that has a `mac` spec, the spec says which messages
   * carry one and how; the key is `macKeys[spec.key]`, else this config's key, else DEMO_MAC.
   */
  mac?: MacConfig | false;
  /** MAC keys by the name a dialect's `mac.key` gives them (hex). */
  macKeys?: Readonly<Record<string, string>>;
  /** How long after the request a late reply (test card ...0259, fault late_reply) is sent. */
  lateReplyMs?: number;
  /** How long a `stall` lasts. */
  stallMs?: number;
  /** Keep the ledger in this file (JSON lines, replayed at start) so it outlives the process it runs in. */
  journalPath?: string;
}

export interface Iso8583Host {
  port: number;
  ledger: HostLedger;
  /** The next request of `on` (any kind when absent) meets `fault`; `decline` takes its response code in `code`. */
  /** `on: 'inquire'` targets the 0810 answer of a status inquiry (only `bad_mac` applies there). */
  inject(fault: HostFault, on?: HostTxnKind | 'inquire', code?: string): void;
  /** Stops answering anything (network messages included) for `ms`, from now. */
  stall(ms: number): void;
  /**
   * Sends a network management request of the dialect's version (DE70 or DE24 = `code`) to every
   * connected acquirer and resolves with the replies that came back within `waitMs`.
   */
  networkRequest(code: string, waitMs?: number): Promise<FieldMap[]>;
  /** Closes every connection now, and with `refuse`, each new one as it arrives. */
  dropConnections(opts?: { refuse?: boolean }): void;
  /** Back to normal: no queued faults, connections accepted, no stall. The ledger is kept. */
  reset(): void;
  /** Connections currently open. */
  readonly connections: number;
  /** Network messages answered (sign-ons, echoes, status inquiries), for link tests. */
  readonly networkMessages: { signOn: number; echo: number; inquiry: number };
  close(): Promise<void>;
}

interface QueuedFault {
  fault: HostFault;
  on?: HostTxnKind | 'inquire';
  code?: string;
}

const GARBAGE = Uint8Array.from([0x39, 0x39, 0x39, 0x39, 0xde, 0xad, 0xbe, 0xef]);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const sub = (v: unknown, k: string): string => (typeof v === 'object' && v !== null ? str((v as Record<string, unknown>)[k]) : '');

const CURRENCY_ALPHA: Readonly<Record<string, string>> = { '978': 'EUR', '840': 'USD', '826': 'GBP', '756': 'CHF' };
const numericCurrency = (alpha: string): string | undefined =>
  Object.entries(CURRENCY_ALPHA).find(([, a]) => a === alpha)?.[0] ?? (/^[0-9]{3}$/.test(alpha) ? alpha : undefined);

export async function startIso8583Host(opts: Iso8583HostOptions = {}): Promise<Iso8583Host> {
  const dialect: Dialect = loadDialect(opts.dialect ?? 'demo-card');
  const framing = opts.framing ?? DEMO_FRAMING;
  const mac: MessageMac | undefined =
    opts.mac === false
      ? undefined
      : createDialectMac(dialect, { [DEMO_MAC_KEY_NAME]: DEMO_MAC.keyHex, ...opts.macKeys }, opts.mac ?? (dialect.definition.mac ? undefined : DEMO_MAC));
  const lateReplyMs = opts.lateReplyMs ?? 5_000;
  const ledger = new HostLedger(opts.journalPath);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let faults: QueuedFault[] = [];
  let refusing = false;
  let stalledUntil = 0;
  const network = { signOn: 0, echo: 0, inquiry: 0 };
  // After a replay, approval codes go on from where the journal left them rather than repeat.
  let authSeq = ledger.entries().filter((e) => e.authCode !== undefined).length;

  const takeFault = (kind: HostTxnKind): QueuedFault | undefined => {
    const i = faults.findIndex((f) => f.on === undefined || f.on === kind);
    if (i < 0) return undefined;
    const [f] = faults.splice(i, 1);
    return f;
  };
  const net = networkProfile(dialect.definition);
  let hostStan = 900_000;
  const awaitingReplies = new Map<string, (f: FieldMap) => void>();

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const kindOf = (mti: string, fields: FieldMap): HostTxnKind | null => {
    const cls = mti.slice(1, 3);
    if (cls === '10') return str(fields['4']) !== '' && Number(str(fields['4'])) > 0 ? 'authorize' : 'verify';
    if (cls === '22') return 'complete';
    if (cls === '20' && str(fields['3']).startsWith('20')) return 'refund';
    if (cls === '20' && str(fields['3']).startsWith('00')) return 'purchase';
    if (cls === '40' || cls === '42') return 'reverse';
    return null;
  };

  const replyFields = (req: FieldMap, code: string, entry?: HostEntry): FieldMap => {
    const mti = str(req['0']);
    const out: FieldMap = { '0': `${mti.slice(0, 2)}${Number(mti[2]) + 1}0`, '39': code };
    for (const f of ['3', '4', '7', '11', '12', '13', '32', '41', '42', '49']) {
      const v = req[f];
      if (v !== undefined) out[f] = v;
    }
    if (entry?.rrn) out['37'] = entry.rrn;
    if (entry?.authCode && entry.approved) out['38'] = entry.authCode;
    return out;
  };

  const pack = (fields: FieldMap, badMac: boolean): Uint8Array => {
    if (!mac || !mac.covers(fields)) return dialect.pack(fields);
    const bytes = dialect.pack(mac.withPlaceholder(fields));
    mac.sign(bytes);
    if (badMac) bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    return bytes;
  };

  /** Executes one transaction request against the ledger; returns the entry (new or already there). */
  const execute = (kind: HostTxnKind, req: FieldMap, reference: string, declineWith?: string): { entry: HostEntry; decision: CardDecision } | null => {
    const pan = str(req['2']);
    const amount = Number(str(req['4']) || '0');
    const base = {
      reference,
      paymentId: sub(req['127'], '4'),
      kind,
      mti: str(req['0']),
      stan: str(req['11']),
      transmission: str(req['7']),
      acquirer: str(req['32']),
      amount,
      currency: CURRENCY_ALPHA[str(req['49'])] ?? str(req['49']),
      last4: pan.slice(-4),
      reversed: false,
      completed: false,
      refunded: 0,
      rrn: `${String(Date.now() % 1e6).padStart(6, '0')}${str(req['11'])}`.slice(-12),
    };
    let decision: CardDecision;
    let original: HostEntry | undefined;
    // An injected decline: booked as declined, nothing else moves.
    if (declineWith !== undefined) decision = { code: declineWith, answer: 'normal' };
    else switch (kind) {
      case 'verify':
        decision = decideVerify(pan);
        break;
      case 'authorize':
      case 'purchase':
        // A single-message purchase meets the same card test values as a pre-authorisation.
        decision = decideAuthorize(pan);
        if (decision.answer === 'never') return null; // lost on the way: nothing executed
        break;
      case 'complete': {
        original = findOriginal(req) ?? ledger.openAuthorisation(base.paymentId);
        const ok = original !== undefined && original.kind === 'authorize' && original.approved && !original.reversed && !original.completed && amount <= original.amount;
        decision = { code: original === undefined ? '25' : ok ? '00' : '13', answer: 'normal' };
        if (ok && original) {
          original.completed = true;
          ledger.record(original);
        }
        break;
      }
      case 'refund': {
        original = findOriginal(req) ?? ledger.completion(base.paymentId);
        const ok = original !== undefined && original.approved && !original.reversed && original.refunded + amount <= original.amount;
        decision = { code: original === undefined ? '25' : ok ? '00' : '13', answer: 'normal' };
        if (ok && original) {
          original.refunded += amount;
          ledger.record(original);
        }
        break;
      }
      case 'reverse': {
        original = findOriginal(req);
        // 25: the original never reached us, so there is nothing to reverse (accepted by the dialect).
        decision = { code: original ? '00' : '25', answer: 'normal' };
        if (original) {
          original.reversed = true;
          ledger.record(original);
        }
        if (original?.kind === 'complete' && original.original) {
          const auth = ledger.get(original.original);
          if (auth) {
            auth.reversed = true;
            ledger.record(auth);
          }
        }
        break;
      }
    }
    const approved = decision.code === '00';
    const entry: HostEntry = {
      ...base,
      responseCode: decision.code,
      approved,
      // A financial request captures as it authorises: there is no completion to wait for.
      completed: kind === 'purchase' && approved,
      ...(original ? { original: original.reference } : {}),
      ...(approved && kind !== 'reverse' ? { authCode: String(++authSeq).padStart(6, '0') } : {}),
    };
    ledger.add(entry);
    return { entry, decision };
  };

  const findOriginal = (req: FieldMap): HostEntry | undefined => {
    const o = req['90'];
    if (o === undefined) return undefined;
    return ledger.findOriginal(sub(o, '1'), sub(o, '2'), sub(o, '3'), sub(o, '4'));
  };

  const onMessage = (s: Socket, message: Uint8Array, tpdu: Uint8Array | undefined): void => {
    const send = (bytes: Uint8Array): void => {
      if (!s.destroyed) corkedWrite(s, encodeFrame(framing, bytes, tpdu ? replyTpdu(tpdu) : DEFAULT_TPDU));
    };
    if (Date.now() < stalledUntil) return;
    let req: FieldMap;
    try {
      req = dialect.unpack(message);
    } catch {
      return; // a host ignores what it cannot parse; the acquirer times out
    }
    const mti = str(req['0']);
    // An acquirer's answer to a network request this host sent (networkRequest).
    const waiting = isResponseMti(mti) ? awaitingReplies.get(str(req['11'])) : undefined;
    if (waiting) return waiting(req);
    if (mti === '0800' && str(req['70']) === STATUS_INQUIRY_CODE) {
      network.inquiry++;
      // The answer decides where money goes: it is asked and answered under MAC.
      if (mac && mac.covers(req) && !mac.verify(message, req)) return send(pack(refuseInquiry(req, '63'), false));
      // Only a fault aimed at inquiries is taken here, so faults meant for transactions stay queued.
      const i = faults.findIndex((f) => f.on === 'inquire');
      const badMac = i >= 0 && faults.splice(i, 1)[0]?.fault === 'bad_mac';
      return send(pack(answerInquiry(req, ledger, numericCurrency), badMac));
    }
    if (isNetworkRequest(net, mti)) {
      // Network management as the dialect's version spells it (0800/DE70, 1804/DE24).
      const fn = networkFunctionOf(net, req);
      if (fn === 'signOn') network.signOn++;
      if (fn === 'echo') network.echo++;
      const supported = fn === 'signOn' || fn === 'signOff' || fn === 'echo';
      const out: FieldMap = { '0': responseMtiOf(mti), '39': supported ? net.approved : net.notSupported };
      for (const f of ['7', '11', '41', '93', '94', net.codeField]) if (req[f] !== undefined) out[f] = req[f];
      send(dialect.pack(out));
      return;
    }
    const kind = kindOf(mti, req);
    if (kind === null) {
      send(pack(replyFields(req, '12'), false));
      return;
    }
    if (mac && mac.covers(req) && !mac.verify(message, req)) {
      send(pack(replyFields(req, '63'), false)); // security violation: not executed
      return;
    }
    const reference = sub(req['127'], '2') || `${mti}:${str(req['11'])}:${str(req['41'])}:${str(req['7'])}`;
    ledger.countReceived(reference);
    const queued = takeFault(kind);
    const fault = queued?.fault;
    if (fault === 'drop_connection') {
      s.destroy();
      return;
    }
    if (fault === 'stall') {
      stalledUntil = Date.now() + (opts.stallMs ?? 60_000);
      return;
    }
    if (fault === 'no_reply') return;
    const seen = ledger.get(reference);
    if (!seen && mti[3] !== '1' && ledger.isRefused(mti, str(req['11']), str(req['7']), str(req['32']))) {
      // An inquiry was told this request never arrived; executing it now would make that a lie.
      // A repeat (x1) is the acquirer sending it again after that answer: it runs, once.
      send(pack(replyFields(req, '12'), false));
      return;
    }
    // A repeated reference (0401, 0221, a resend) is answered from the books, never executed twice.
    const done = seen
      ? { entry: seen, decision: { code: seen.responseCode, answer: 'normal' as const } }
      : execute(kind, req, reference, fault === 'decline' ? (queued?.code ?? '05') : undefined);
    if (!done || fault === 'lose_reply') return;
    const reply = (): void => send(pack(replyFields(req, done.entry.responseCode, done.entry), done.decision.answer === 'bad_mac' || fault === 'bad_mac'));
    if (fault === 'garbage_frame') return send(GARBAGE);
    if (fault === 'late_reply' || done.decision.answer === 'late') return later(lateReplyMs, reply);
    reply();
    if (fault === 'answer_twice') reply();
  };

  const server: Server = createServer((s) => {
    if (refusing) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.setNoDelay(true);
    const decoder = new FrameDecoder(framing);
    s.on('data', (chunk: Buffer) => {
      try {
        for (const f of decoder.push(chunk)) onMessage(s, f.message, f.tpdu);
      } catch {
        s.destroy(); // framing lost
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;

  return {
    port,
    ledger,
    inject(fault, on, code) {
      faults.push({ fault, ...(on !== undefined ? { on } : {}), ...(code !== undefined ? { code } : {}) });
    },
    stall(ms) {
      stalledUntil = Date.now() + ms;
    },
    async networkRequest(code, waitMs = 2_000) {
      const replies: FieldMap[] = [];
      const asked: string[] = [];
      for (const s of sockets) {
        hostStan = hostStan >= 999_999 ? 900_000 : hostStan + 1;
        const stan = String(hostStan);
        asked.push(stan);
        awaitingReplies.set(stan, (f) => replies.push(f));
        const msg: FieldMap = { '0': net.requestMti, '7': '1206000000', '11': stan, [net.codeField]: code };
        if (!s.destroyed) corkedWrite(s, encodeFrame(framing, dialect.pack(msg), DEFAULT_TPDU));
      }
      const end = Date.now() + waitMs;
      while (replies.length < asked.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      for (const stan of asked) awaitingReplies.delete(stan);
      return replies;
    },
    dropConnections(o = {}) {
      if (o.refuse) refusing = true;
      for (const s of sockets) s.destroy();
    },
    reset() {
      faults = [];
      refusing = false;
      stalledUntil = 0;
    },
    get connections() {
      return sockets.size;
    },
    networkMessages: network,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
