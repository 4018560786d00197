/**
 * One long-lived TCP (or TLS) connection to a card host: framing, sign-on before ready, echo when
 * idle, answers to the host's own network messages, request/response matching with per-request
 * timeouts, reconnect with capped exponential backoff. On link loss every request in flight fails
 * at once with LinkOutcomeUnknownError: the host may have acted on any of them.
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
  /** Send 0800/301 after this much silence; 0 turns echo off. Default 60 s. */
  echoIntervalMs?: number;
  /** Sign on (0800/001) before accepting requests; default true. */
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
  private lastTraffic = 0;
  private stan = 0;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly now: () => number;

  constructor(private readonly o: LinkOptions) {
    this.now = o.now ?? Date.now;
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
      this.lastTraffic = this.now();
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
    this.lastTraffic = this.now();
    if (this.o.signOn === false) return this.becomeReady();
    this.setState('signing_on');
    try {
      const reply = await this.send(this.networkMessage('001'), this.o.requestTimeoutMs ?? 30_000);
      if (reply.fields['39'] !== '00') throw new Error('sign-on refused');
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

  private networkMessage(code: string): FieldMap {
    return { ...this.o.networkFields, '0': '0800', '7': transmissionTime(this.now()), '11': this.nextStan(), '70': code };
  }

  private scheduleEcho(): void {
    const every = this.o.echoIntervalMs ?? 60_000;
    if (every <= 0) return;
    if (this.echoTimer) clearTimeout(this.echoTimer);
    const wait = Math.max(1, this.lastTraffic + every - this.now());
    this.echoTimer = setTimeout(() => void this.echo(), wait);
    this.echoTimer.unref();
  }

  private async echo(): Promise<void> {
    this.echoTimer = null;
    if (this.stateValue !== 'ready') return;
    const s = this.socket;
    if (this.now() - this.lastTraffic >= (this.o.echoIntervalMs ?? 60_000)) {
      try {
        const reply = await this.send(this.networkMessage('301'), this.o.requestTimeoutMs ?? 30_000);
        if (reply.fields['39'] !== '00') throw new Error('echo refused');
      } catch {
        // An unanswered echo means the link is dead even if TCP has not noticed yet.
        if (s && this.socket === s) s.destroy();
        return;
      }
    }
    if (this.socket === s) this.scheduleEcho();
  }

  private write(s: Socket, message: Uint8Array, tpdu?: Uint8Array): void {
    corkedWrite(s, encodeFrame(this.o.framing, message, tpdu ?? this.o.tpdu ?? DEFAULT_TPDU));
    this.lastTraffic = this.now();
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
      this.answered.add(key);
      pending.resolve({ fields, integrity });
      return;
    }
    this.o.onUnmatched?.({ fields, integrity, duplicate: this.answered.has(key) });
  }

  private onHostRequest(s: Socket, mti: string, fields: FieldMap, tpdu: Uint8Array | undefined): void {
    let reply: FieldMap | undefined;
    if (mti === '0800') {
      reply = { '0': '0810', '39': '00' };
      for (const f of ['7', '11', '41', '70']) {
        const v = fields[f];
        if (v !== undefined) reply[f] = v;
      }
    } else {
      reply = this.o.onHostRequest?.(fields);
    }
    if (!reply) return;
    try {
      this.write(s, this.o.dialect.pack(reply), tpdu ? replyTpdu(tpdu) : undefined);
    } catch (err) {
      this.o.onBadFrame?.(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
