import { afterEach, describe, expect, it } from 'vitest';
import type { FieldMap } from '../../src/iso8583/index.js';
import {
  IsoHostClient,
  IsoLink,
  LinkNotSentError,
  LinkOutcomeUnknownError,
  backoffDelay,
  encodeFrame,
  type LinkOptions,
  type LinkState,
  type UnmatchedReply,
} from '../../src/iso8583/link/index.js';
import { createMessageMac } from '../../src/iso8583/mac.js';
import { answer, dialect, networkAware, startPeer, until, type Peer } from './link-peer.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

const peerOf = async (...args: Parameters<typeof startPeer>): Promise<Peer> => {
  const p = await startPeer(...args);
  open.push(p);
  return p;
};

const linkTo = async (peer: Peer, o: Partial<LinkOptions> = {}, ready = true): Promise<IsoLink> => {
  const link = new IsoLink({
    host: '127.0.0.1',
    port: peer.port,
    dialect,
    framing: { header: 'binary2' },
    requestTimeoutMs: 1_000,
    echoIntervalMs: 0,
    reconnect: { initialMs: 20, maxMs: 80 },
    networkFields: { '41': 'TERM0001' },
    ...o,
  });
  open.push(link);
  link.start();
  if (ready) await link.ready(2_000);
  return link;
};

const auth = (stan: number, extra: FieldMap = {}): FieldMap => ({
  '0': '0100',
  '4': String(stan).padStart(12, '0'),
  '7': '1127112233',
  '11': String(stan).padStart(6, '0'),
  '41': 'TERM0001',
  ...extra,
});

describe('sign-on and readiness', () => {
  it('signs on with 0800/001 before it is ready, and refuses requests until then', async () => {
    let release: (() => void) | undefined;
    const peer = await peerOf((msg, p, s) => {
      if (msg['70'] === '001') release = () => p.send(answer(msg), s);
      else p.send(answer(msg), s);
    });
    const states: LinkState[] = [];
    const link = await linkTo(peer, { onStateChange: (s) => states.push(s) }, false);
    await until(() => release !== undefined);
    expect(link.state).toBe('signing_on');
    await expect(link.request(auth(1))).rejects.toMatchObject({ name: 'LinkNotSentError', reason: 'not_ready' });
    release?.();
    await link.ready(1_000);
    expect(states).toEqual(['connecting', 'signing_on', 'ready']);
    expect(peer.received[0]).toMatchObject({ '0': '0800', '70': '001', '41': 'TERM0001' });
    expect((await link.request(auth(2))).fields['39']).toBe('00');
  });

  it('a refused sign-on is not ready: it drops the connection and tries again', async () => {
    let refusals = 1;
    const peer = await peerOf((msg, p, s) => p.send(answer(msg, msg['70'] === '001' && refusals-- > 0 ? { '39': '91' } : {}), s));
    await linkTo(peer);
    expect(peer.connections).toBe(2);
  });
});

describe('request/response matching over a socket', () => {
  it('1,000 concurrent requests answered out of order each get their own reply', async () => {
    const pending: { msg: FieldMap; s: import('node:net').Socket }[] = [];
    const peer = await peerOf(
      networkAware((msg, p, s) => {
        pending.push({ msg, s });
        if (pending.length === 1_000) {
          // answer in a shuffled order, several replies per write
          const order = pending.map((x, i) => ({ x, k: (i * 7919) % 1_000 })).sort((a, b) => a.k - b.k);
          for (let i = 0; i < order.length; i += 10) {
            p.raw(Buffer.concat(order.slice(i, i + 10).map(({ x }) => p.frame(answer(x.msg, { '38': String(x.msg['11']) })))), s);
          }
        }
      }),
    );
    const link = await linkTo(peer, { requestTimeoutMs: 10_000 });
    const replies = await Promise.all(Array.from({ length: 1_000 }, (_, i) => link.request(auth(i + 1))));
    replies.forEach((r, i) => {
      expect(r.fields['11']).toBe(String(i + 1).padStart(6, '0'));
      expect(r.fields['38']).toBe(String(i + 1).padStart(6, '0'));
      expect(r.fields['4']).toBe(String(i + 1).padStart(12, '0'));
    });
    expect(link.inFlightCount).toBe(0);
  });

  it('a second request with a key in flight is refused and never written; other keys pass', async () => {
    const held: FieldMap[] = [];
    const peer = await peerOf(networkAware((msg) => held.push(msg)));
    const link = await linkTo(peer);
    const first = link.request(auth(5));
    await expect(link.request(auth(5, { '4': '000000000999' }))).rejects.toMatchObject({ name: 'LinkNotSentError', reason: 'duplicate_key' });
    // same STAN, other terminal; same STAN, other class: different keys
    const otherTerminal = link.request(auth(5, { '41': 'TERM0002' }));
    const otherClass = link.request(auth(5, { '0': '0400' }));
    await until(() => held.length === 3);
    expect(held.map((m) => [m['0'], m['41'], m['4']])).toEqual([
      ['0100', 'TERM0001', '000000000005'],
      ['0100', 'TERM0002', '000000000005'],
      ['0400', 'TERM0001', '000000000005'],
    ]);
    for (const m of held) peer.send(answer(m));
    await Promise.all([first, otherTerminal, otherClass]);
  });

  it('per-MTI overrides change the key', async () => {
    const peer = await peerOf(networkAware((msg, p, s) => p.send(answer(msg, { '41': 'ELSEWHER' }), s)));
    const link = await linkTo(peer, { match: { overrides: { '01': ['11'] } } });
    // the host answers with another DE41: only DE11 is in the 01xx key, so it still matches
    expect((await link.request(auth(9))).fields['41']).toBe('ELSEWHER');
  });

  it('a timeout is outcome unknown; the reply after it goes to the unmatched handler as late, a second one as duplicate', async () => {
    const unmatched: UnmatchedReply[] = [];
    const held: FieldMap[] = [];
    const peer = await peerOf(networkAware((msg) => held.push(msg)));
    const link = await linkTo(peer, { onUnmatched: (r) => unmatched.push(r) });
    const err = await link.request(auth(11), { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkOutcomeUnknownError);
    expect(err).toMatchObject({ reason: 'timeout' });
    peer.send(answer(held[0] ?? {}));
    await until(() => unmatched.length === 1);
    expect(unmatched[0]).toMatchObject({ duplicate: false, fields: { '11': '000011' } });

    const answered = link.request(auth(12));
    await until(() => held.length === 2);
    peer.send(answer(held[1] ?? {}));
    peer.send(answer(held[1] ?? {}));
    await answered;
    await until(() => unmatched.length === 2);
    expect(unmatched[1]).toMatchObject({ duplicate: true, fields: { '11': '000012' } });
  });

  it('a reply split byte by byte, and replies coalesced with a host request, are all handled', async () => {
    const peer = await peerOf(
      networkAware((msg, p, s) => {
        const bytes = p.frame(answer(msg));
        if (msg['11'] === '000001') {
          for (const b of bytes) p.raw(Uint8Array.of(b), s);
        } else {
          // reply + the host's own echo request + reply padding: one write
          p.raw(Buffer.concat([bytes, p.frame({ '0': '0800', '7': '1127000000', '11': '777777', '70': '301' })]), s);
        }
      }),
    );
    const link = await linkTo(peer);
    expect((await link.request(auth(1))).fields['11']).toBe('000001');
    expect((await link.request(auth(2))).fields['11']).toBe('000002');
    // the link answered the host's 0800 with an 0810
    await until(() => peer.received.some((m) => m['0'] === '0810'));
    expect(peer.received.find((m) => m['0'] === '0810')).toMatchObject({ '11': '777777', '39': '00', '70': '301' });
  });
});

describe('link loss, bad frames and reconnect', () => {
  it('link loss fails every request in flight at once with outcome unknown, then reconnects and signs on again', async () => {
    const held: FieldMap[] = [];
    const peer = await peerOf(networkAware((msg) => held.push(msg)));
    const link = await linkTo(peer);
    const calls = Array.from({ length: 10 }, (_, i) => link.request(auth(i + 1), { timeoutMs: 5_000 }).catch((e: unknown) => e));
    await until(() => held.length === 10);
    const t0 = Date.now();
    peer.sockets[0]?.destroy();
    const errors = await Promise.all(calls);
    expect(Date.now() - t0).toBeLessThan(1_000);
    for (const e of errors) {
      expect(e).toBeInstanceOf(LinkOutcomeUnknownError);
      expect(e).toMatchObject({ reason: 'link_lost' });
    }
    await link.ready(2_000);
    expect(peer.received.filter((m) => m['70'] === '001')).toHaveLength(2);
    const again = link.request(auth(50));
    await until(() => held.length === 11);
    peer.send(answer(held[10] ?? {}));
    expect((await again).fields['39']).toBe('00');
  });

  it('an oversize length header drops the connection before allocating; the link comes back', async () => {
    const peer = await peerOf(networkAware((_msg, p, s) => p.raw(Uint8Array.of(0xff, 0xff, 0x30), s)));
    const bad: Error[] = [];
    const link = await linkTo(peer, { framing: { header: 'binary2', maxFrameBytes: 2_048 }, onBadFrame: (e) => bad.push(e) });
    await expect(link.request(auth(1))).rejects.toMatchObject({ name: 'LinkOutcomeUnknownError', reason: 'link_lost' });
    expect(bad[0]?.message).toMatch(/FRAME_TOO_LARGE/);
    await link.ready(2_000);
    expect(peer.connections).toBe(2);
  });

  it('an undecodable frame is reported and skipped; its request times out as unknown', async () => {
    const peer = await peerOf(networkAware((_msg, p, s) => p.raw(encodeFrame({ header: 'binary2' }, Buffer.from('9999garbage')), s)));
    const bad: Error[] = [];
    const link = await linkTo(peer, { onBadFrame: (e) => bad.push(e) });
    await expect(link.request(auth(1), { timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
    expect(bad[0]?.name).toBe('Iso8583Error');
    expect(link.state).toBe('ready');
  });

  it('reconnect backoff doubles and is capped', () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((a) => backoffDelay(a, 100, 1_000))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('keeps retrying while the host is down, and is ready when it is back', async () => {
    const first = await startPeer(networkAware((msg, p, s) => p.send(answer(msg), s)));
    const port = first.port;
    await first.close();
    const link = new IsoLink({ host: '127.0.0.1', port, dialect, framing: { header: 'binary2' }, echoIntervalMs: 0, reconnect: { initialMs: 10, maxMs: 40 } });
    open.push(link);
    const states: LinkState[] = [];
    const watched = new IsoLink({ host: '127.0.0.1', port, dialect, framing: { header: 'binary2' }, echoIntervalMs: 0, reconnect: { initialMs: 10, maxMs: 40 }, onStateChange: (s) => states.push(s) });
    open.push(watched);
    link.start();
    watched.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(['backoff', 'connecting']).toContain(link.state);
    await expect(link.request(auth(1))).rejects.toBeInstanceOf(LinkNotSentError);
    // capped at 40 ms: about 200 / 40 = 5 or more attempts in 200 ms, not the 4 an uncapped doubling allows
    expect(states.filter((s) => s === 'connecting').length).toBeGreaterThanOrEqual(5);
    await peerOf(networkAware((msg, p, s) => p.send(answer(msg), s)), { header: 'binary2' }, port);
    await link.ready(2_000);
    expect((await link.request(auth(2))).fields['39']).toBe('00');
  });
});

describe('echo', () => {
  it('sends 0800/301 when idle', async () => {
    const peer = await peerOf(networkAware((msg, p, s) => p.send(answer(msg), s)));
    await linkTo(peer, { echoIntervalMs: 60 });
    await until(() => peer.received.filter((m) => m['70'] === '301').length >= 2);
    expect(peer.connections).toBe(1);
  });

  it('an unanswered echo means the link is dead: it reconnects', async () => {
    const peer = await peerOf(networkAware((msg, p, s) => p.send(answer(msg), s), { answerEcho: false }));
    await linkTo(peer, { echoIntervalMs: 50, requestTimeoutMs: 100 });
    await until(() => peer.connections >= 2, 3_000);
  });
});

describe('MAC on the link', () => {
  const mac = createMessageMac({ algorithm: 'aes-cmac', keyHex: '2b7e151628aed2a6abf7158809cf4f3c' });

  it('requests carry a valid MAC; a reply with a bad MAC is marked failed, a good one verified', async () => {
    let corrupt = false;
    const peer = await peerOf(
      networkAware((msg, p, s) => {
        const bytes = dialect.pack(mac.withPlaceholder(answer(msg)));
        mac.sign(bytes);
        if (corrupt) bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
        p.raw(encodeFrame({ header: 'binary2' }, bytes), s);
      }),
    );
    const link = await linkTo(peer, { mac });
    expect((await link.request(auth(1))).integrity).toBe('verified');
    corrupt = true;
    expect((await link.request(auth(2))).integrity).toBe('failed');
    const sent = peer.received.filter((m) => m['0'] === '0100');
    expect(sent).toHaveLength(2);
    // the host recomputes the MAC over the same bytes (pack is the exact inverse of unpack)
    for (const m of sent) expect(mac.verify(dialect.pack(m), m)).toBe(true);
    // network messages carry no MAC
    expect(peer.received.find((m) => m['0'] === '0800')?.['64']).toBeUndefined();
  });
});

describe('several links per host', () => {
  it('fails over to the next link when the primary is lost, and refuses a key in flight on any link', async () => {
    const held: FieldMap[] = [];
    const primary = await peerOf(networkAware((msg) => held.push(msg)));
    const secondary = await peerOf(networkAware((msg, p, s) => p.send(answer(msg, { '44': 'SECONDARY' }), s)));
    const client = new IsoHostClient({
      endpoints: [
        { host: '127.0.0.1', port: primary.port },
        { host: '127.0.0.1', port: secondary.port },
      ],
      dialect,
      framing: { header: 'binary2' },
      echoIntervalMs: 0,
      reconnect: { initialMs: 500, maxMs: 500 },
    });
    open.push(client);
    client.start();
    await Promise.all(client.links.map((l) => l.ready(2_000)));
    const onPrimary = client.request(auth(1)).catch((e: unknown) => e);
    await until(() => held.length === 1);
    await expect(client.request(auth(1))).rejects.toMatchObject({ reason: 'duplicate_key' });
    client.links[0]?.drop();
    expect(await onPrimary).toBeInstanceOf(LinkOutcomeUnknownError);
    expect((await client.request(auth(2))).fields['44']).toBe('SECONDARY');
    expect(client.states[0]).not.toBe('ready');
  });
});
