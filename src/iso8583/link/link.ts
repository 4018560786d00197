/**
 * One long-lived TCP (or TLS) connection to a card host: framing, sign-on before ready, echo when
 * the host has been quiet, answers to the host's own network messages, request/response matching
 * with per-request timeouts, reconnect with capped exponential backoff. On link loss every request
 * in flight fails at once with LinkOutcomeUnknownError: the host may have acted on any of them.
 *
 * Liveness is judged by what the HOST sends, never by what we write: a host that stalls while we
 * keep sending is probed with an echo after one echo interval without an inbound frame, or at
 * once after `probeAfterTimeouts` consecutive request timeouts; an unanswered probe takes the link
 * down (its requests become unknown) so that traffic moves to another link while this one
 * reconnects. Network management follows the dialect's version (network.ts).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Dialect } from '../index.js';
import { Iso8583Error } from '../errors.js';
import type { FieldMap } from '../fields.js';
import type { MessageMac } from '../mac.js';
import { corkedWrite } from './cork.js';
import { LinkNotSentError, LinkOutcomeUnknownError } from './errors.js';
import { DEFAULT_TPDU, FrameDecoder, FrameError, encodeFrame, replyTpdu, type FramingOptions } from './framing.js';
import { DuplicateInFlightError, InFlightTable, RecentKeys, isResponseMti, matchKey, type MatchKeyRules } from './matcher.js';
import { isNetworkRequest, networkFunctionOf, networkProfile, responseMtiOf, type NetworkFunction, type NetworkProfile } from '../network.js';

export type LinkState = 'idle' | 'connecting' | 'signing_on' | 'ready' | 'backoff' | 'closed';
export type Integrity = 'verified' | 'failed' | 'not_applicable';

export interface LinkReply {
  fields: FieldMap;
  /** MAC check of the reply: `failed` must never be read as an approval. */
  integrity: Integrity;
}

export interface UnmatchedReply extends LinkReply {
  /** True when the key was answered moments ago: a second answer, not a late one. */
  duplicate: boolean;
}

export interface LinkOptions {
  host: string;
  port: number;
  /** TLS options; plain TCP when absent. */
  tls?: ConnectionOptions;
  dialect: Dialect;
  framing: FramingOptions;
  /** Our TPDU when the framing has one; replies to the host's requests swap its own. */
  tpdu?: Uint8Array;
  match?: MatchKeyRules;
  /** Default per-request timeout; default 30 s. */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Probe with an echo after this long without a frame from the host; 0 turns echo off. Default 60 s. */
  echoIntervalMs?: number;
  /** How long an echo probe may wait for its answer; default the smaller of half the echo interval and the request timeout. */
  echoTimeoutMs?: number;
  /** Probe at once after this many consecutive request timeouts; default 3, 0 turns it off. */
  probeAfterTimeouts?: number;
  /** Sign on (0800/001, 1804/801) before accepting requests; default true. */
  signOn?: boolean;
  /** Extra fields on our network messages (e.g. DE41, DE32). */
  networkFields?: Readonly<FieldMap>;
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Signs our requests and checks replies, for the messages it covers (see MessageMac.covers). */
  mac?: MessageMac;
  /** Replies that match nothing in flight: late, or a second answer. */
  onUnmatched?: (reply: UnmatchedReply) => void;
  /** Requests the host starts other than network management; a returned map is sent back. */
  onHostRequest?: (fields: FieldMap) => FieldMap | undefined;
  /**
   * A key change the host asks for (0800/161, 1804/811): true when the key store took the new
   * key. Without this hook such a request is answered "function not supported", never approved.
   */
  onKeyChange?: (fields: FieldMap) => boolean;
  /** Frames that could not be decoded (logged by code only: a frame may hold card data). */
  onBadFrame?: (err: Error) => void;
  onStateChange?: (state: LinkState) => void;
  /** Time source for DE7 of network messages. */
  now?: () => number;
}

interface Pending {
  resolve: (r: LinkReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  /** The request carried a MAC, so its reply must carry a good one whatever it claims to be. */
  macked: boolean;
}

/** MMDDhhmmss in UTC, as DE7 wants. */
export const transmissionTime = (ms: number): string => {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
};

/** Capped exponential backoff: initial, 2x, 4x, ... never above `maxMs`. Attempt 0 is the first retry. */
export const backoffDelay = (attempt: number, initialMs: number, maxMs: number): number =>
  Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));

export class IsoLink {
  private socket: Socket | null = null;
  private readonly inFlight = new InFlightTable<Pending>();
  private readonly answered = new RecentKeys();
  private stateValue: LinkState = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private echoTimer: NodeJS.Timeout | null = null;
  /** When the host last sent us a frame (any frame): the only evidence that it is alive. */
  private lastInbound = 0;
  private consecutiveTimeouts = 0;
  private probing = false;
  private lastEchoAtValue: number | undefined;
  private stan = 0;
  private readonly net: NetworkProfile;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly now: () => number;

  constructor(private readonly o: LinkOptions) {
    this.now = o.now ?? Date.now;
    this.net = networkProfile(o.dialect.definition);
  }

  /** When an echo was last answered (epoch ms), for health and metrics. */
  get lastEchoAt(): number | undefined {
    return this.lastEchoAtValue;
  }

  /** When the host last sent a frame (epoch ms); 0 before the first. */
  get lastInboundAt(): number {
    return this.lastInbound;
  }

  get state(): LinkState {
    return this.stateValue;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Starts connecting; the link keeps itself up until close(). */
  start(): void {
    if (this.stateValue !== 'idle') return;
    this.connect();
  }

  /** Resolves once the link is ready (signed on); rejects after `timeoutMs` or on close. */
  ready(timeoutMs: number): Promise<void> {
    if (this.stateValue === 'ready') return Promise.resolve();
    if (this.stateValue === 'closed') return Promise.reject(new LinkNotSentError('closed', 'link is closed'));
    return new Promise<void>((resolve, reject) => {
      const w = {
        resolve: () => {
          clearTimeout(t);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(t);
          reject(e);
        },
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new LinkNotSentError('not_ready', `link to ${this.o.host}:${this.o.port} not ready after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /**
   * Sends a request and waits for its reply. Throws LinkNotSentError when nothing left this
   * process (not ready, same key already in flight, unencodable), LinkOutcomeUnknownError when the
   * request left and no reply came (timeout, link lost, closed).
   */
  request(fields: Readonly<FieldMap>, opts: { timeoutMs?: number } = {}): Promise<LinkReply> {
    if (this.stateValue !== 'ready') {
      return Promise.reject(new LinkNotSentError(this.stateValue === 'closed' ? 'closed' : 'not_ready', `link is ${this.stateValue}`));
    }
    return this.send(fields, opts.timeoutMs ?? this.o.requestTimeoutMs ?? 30_000);
  }

  /** Drops the current connection (operator action, or a test of failover); reconnects after backoff. */
  drop(): void {
    const s = this.socket;
    if (!s) return;
    // Not ready from this instant: a request made right after drop() must not reach the old socket.
    this.onClosed(s);
    s.destroy();
  }

  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.setState('closed');
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.echoTimer) clearTimeout(this.echoTimer);
    this.failAll(new LinkOutcomeUnknownError('closed', 'link closed with the request in flight'));
    for (const w of this.waiters.splice(0)) w.reject(new LinkNotSentError('closed', 'link closed'));
    const s = this.socket;
    this.socket = null;
    if (s && !s.destroyed) {
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.destroy();
      });
    }
  }

  private setState(s: LinkState): void {
    if (this.stateValue === s) return;
    this.stateValue = s;
    this.o.onStateChange?.(s);
  }

  private connect(): void {
    this.setState('connecting');
    const opts = { host: this.o.host, port: this.o.port };
    const s = this.o.tls ? tlsConnect({ ...this.o.tls, ...opts }) : netConnect(opts);
    this.socket = s;
    const decoder = new FrameDecoder(this.o.framing);
    s.setNoDelay(true);
    const connectTimer = setTimeout(() => s.destroy(), this.o.connectTimeoutMs ?? 10_000);
    s.once(this.o.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(connectTimer);
      void this.onConnected(s);
    });
    s.on('data', (chunk: Buffer) => {
      if (this.socket !== s) return;
      this.lastInbound = this.now();
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        // Framing is lost: nothing after this point can be trusted on this connection.
        this.o.onBadFrame?.(err instanceof Error ? err : new Error(String(err)));
        s.destroy();
        return;
      }
      for (const f of frames) this.onFrame(s, f.message, f.tpdu);
    });
    s.on('error', () => undefined); // 'close' follows and does the work
    s.once('close', () => {
      clearTimeout(connectTimer);
      this.onClosed(s);
    });
  }

  private async onConnected(s: Socket): Promise<void> {
    if (this.socket !== s) return;
    this.lastInbound = this.now();
    this.consecutiveTimeouts = 0;
    if (this.o.signOn === false) return this.becomeReady();
    this.setState('signing_on');
    try {
      const reply = await this.send(this.networkMessage('signOn'), this.o.requestTimeoutMs ?? 30_000);
      if (reply.fields['39'] !== this.net.approved) throw new Error('sign-on refused');
      if (this.socket === s) this.becomeReady();
    } catch {
      if (this.socket === s) s.destroy();
    }
  }

  private becomeReady(): void {
    this.attempt = 0;
    this.setState('ready');
    for (const w of this.waiters.splice(0)) w.resolve();
    this.scheduleEcho();
  }

  private onClosed(s: Socket): void {
    if (this.socket !== s) return;
    this.socket = null;
    if (this.echoTimer) clearTimeout(this.echoTimer);
    this.failAll(new LinkOutcomeUnknownError('link_lost', 'link lost with the request in flight'));
    if (this.stateValue === 'closed') return;
    const r = this.o.reconnect ?? {};
    const delay = backoffDelay(this.attempt, r.initialMs ?? 250, r.maxMs ?? 30_000);
    this.attempt = Math.min(this.attempt + 1, 30);
    this.setState('backoff');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stateValue !== 'closed') this.connect();
    }, delay);
  }

  private failAll(err: Error): void {
    for (const p of this.inFlight.drain()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private nextStan(): string {
    this.stan = (this.stan % 999_999) + 1;
    return String(this.stan).padStart(6, '0');
  }

  private networkMessage(fn: NetworkFunction): FieldMap {
    const n = this.net;
    return { ...this.o.networkFields, '0': n.requestMti, '7': transmissionTime(this.now()), '11': this.nextStan(), [n.codeField]: n.codes[fn] };
  }

  private get echoEvery(): number {
    return this.o.echoIntervalMs ?? 60_000;
  }

  private scheduleEcho(): void {
    const every = this.echoEvery;
    if (every <= 0) return;
    if (this.echoTimer) clearTimeout(this.echoTimer);
    const wait = Math.max(1, this.lastInbound + every - this.now());
    this.echoTimer = setTimeout(() => void this.echo(), wait);
    this.echoTimer.unref();
  }

  private async echo(): Promise<void> {
    this.echoTimer = null;
    if (this.stateValue !== 'ready') return;
    const s = this.socket;
    // Our own writes say nothing about the host: only a frame from it resets this clock.
    if (this.now() - this.lastInbound >= this.echoEvery && !(await this.probe())) return;
    if (this.socket === s) this.scheduleEcho();
  }

  /**
   * Sends an echo and waits for it; an unanswered or refused echo means the link is dead even if
   * TCP has not noticed yet: the connection is dropped (its requests become unknown) and rebuilt.
   * Resolves false when it took the link down.
   */
  private async probe(): Promise<boolean> {
    const s = this.socket;
    if (this.probing || !s) return true;
    this.probing = true;
    // Half an echo interval: a live host answers an echo at once, and silence plus the probe then
    // takes the link down within two intervals of the host's last frame.
    const every = this.echoEvery > 0 ? this.echoEvery / 2 : Number.POSITIVE_INFINITY;
    const timeout = this.o.echoTimeoutMs ?? Math.min(every, this.o.requestTimeoutMs ?? 30_000);
    const sentAt = this.now();
    try {
      const reply = await this.send(this.networkMessage('echo'), timeout);
      if (reply.fields['39'] !== this.net.approved) throw new Error('echo refused');
      this.lastEchoAtValue = this.now();
      return true;
    } catch (err) {
      // A host busy with a backlog answers the echo late but is plainly alive: any frame from it
      // since the probe left counts (a timer can also fire after a stall of our own event loop,
      // before the frames already waiting in the socket are read).
      if (err instanceof LinkOutcomeUnknownError && err.reason === 'timeout' && this.lastInbound >= sentAt) return true;
      if (this.socket === s) this.drop();
      return false;
    } finally {
      this.probing = false;
    }
  }

  /** A request timed out: after enough in a row, ask the host whether it is still there. */
  private onRequestTimeout(): void {
    this.consecutiveTimeouts++;
    const limit = this.o.probeAfterTimeouts ?? 3;
    if (limit > 0 && this.consecutiveTimeouts >= limit && this.stateValue === 'ready') {
      this.consecutiveTimeouts = 0;
      void this.probe();
    }
  }

  private write(s: Socket, message: Uint8Array, tpdu?: Uint8Array): void {
    corkedWrite(s, encodeFrame(this.o.framing, message, tpdu ?? this.o.tpdu ?? DEFAULT_TPDU));
  }

  private send(fields: Readonly<FieldMap>, timeoutMs: number): Promise<LinkReply> {
    const s = this.socket;
    if (!s) return Promise.reject(new LinkNotSentError('not_ready', 'no connection'));
    const mac = this.o.mac?.covers(fields) === true ? this.o.mac : undefined;
    const out = mac ? mac.withPlaceholder(fields) : fields;
    let message: Uint8Array;
    try {
      message = this.o.dialect.pack(out);
      mac?.sign(message);
    } catch (err) {
      const why = err instanceof Iso8583Error ? err.message : 'the request could not be encoded';
      return Promise.reject(new LinkNotSentError('encode_failed', why));
    }
    const key = matchKey(fields, this.o.match);
    return new Promise<LinkReply>((resolve, reject) => {
      const pending: Pending = {
        resolve,
        reject,
        macked: mac !== undefined,
        timer: setTimeout(() => {
          if (this.inFlight.get(key) !== pending) return;
          this.inFlight.take(key);
          reject(new LinkOutcomeUnknownError('timeout', `no reply within ${timeoutMs} ms`));
          this.onRequestTimeout();
        }, timeoutMs),
      };
      try {
        this.inFlight.add(key, pending);
      } catch (err) {
        clearTimeout(pending.timer);
        if (err instanceof DuplicateInFlightError) reject(new LinkNotSentError('duplicate_key', err.message));
        else reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      try {
        this.write(s, message);
      } catch (err) {
        this.inFlight.take(key);
        clearTimeout(pending.timer);
        // A frame too large for the framing never reached the socket.
        if (err instanceof FrameError) reject(new LinkNotSentError('encode_failed', err.message));
        else reject(new LinkOutcomeUnknownError('link_lost', 'write failed'));
      }
    });
  }

  private onFrame(s: Socket, message: Uint8Array, tpdu: Uint8Array | undefined): void {
    let fields: FieldMap;
    try {
      fields = this.o.dialect.unpack(message);
    } catch (err) {
      // An undecodable reply cannot be matched: its request will time out (outcome unknown).
      this.o.onBadFrame?.(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const mti = typeof fields['0'] === 'string' ? fields['0'] : '';
    if (!isResponseMti(mti)) {
      this.onHostRequest(s, mti, fields, tpdu);
      return;
    }
    const key = matchKey(fields, this.o.match);
    const pending = this.inFlight.take(key);
    const mac = this.o.mac;
    const checked = mac !== undefined && (pending?.macked === true || mac.covers(fields));
    const integrity: Integrity = checked ? (mac.verify(message, fields) ? 'verified' : 'failed') : 'not_applicable';
    if (pending) {
      clearTimeout(pending.timer);
      this.consecutiveTimeouts = 0;
      this.answered.add(key);
      pending.resolve({ fields, integrity });
      return;
    }
    this.o.onUnmatched?.({ fields, integrity, duplicate: this.answered.has(key) });
  }

  /**
   * The host's network request: sign-on, sign-off and echo are approved; a key change only when
   * the key store took the key; anything else gets the dialect's "function not supported".
   */
  private networkReply(mti: string, fields: FieldMap): FieldMap {
    const n = this.net;
    const fn = networkFunctionOf(n, fields);
    let approved = fn === 'signOn' || fn === 'signOff' || fn === 'echo';
    if (fn === 'keyChange') {
      try {
        approved = this.o.onKeyChange?.(fields) === true;
      } catch {
        approved = false;
      }
    }
    const reply: FieldMap = { '0': responseMtiOf(mti), '39': approved ? n.approved : n.notSupported };
    for (const f of ['7', '11', '41', '93', '94', n.codeField]) {
      const v = fields[f];
      if (v !== undefined) reply[f] = v;
    }
    return reply;
  }

  private onHostRequest(s: Socket, mti: string, fields: FieldMap, tpdu: Uint8Array | undefined): void {
    const reply = isNetworkRequest(this.net, mti) ? this.networkReply(mti, fields) : this.o.onHostRequest?.(fields);
    if (!reply) return;
    try {
      this.write(s, this.o.dialect.pack(reply), tpdu ? replyTpdu(tpdu) : undefined);
    } catch (err) {
      this.o.onBadFrame?.(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
