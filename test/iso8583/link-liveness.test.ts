/**
 * The link judges the host by what the host sends: a host that stalls while we keep sending is
 * probed and taken down, traffic moves to the next link, and nothing in flight hangs. Network
 * management speaks the dialect's version (0800/0810 for 1987, 1804/1814 for 1993) and answers
 * a host's unsupported request "function not supported".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { IsoHostClient, IsoLink, LinkOutcomeUnknownError, type LinkOptions, type LinkState } from '../../src/iso8583/link/index.js';
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

const auth = (stan: number): FieldMap => ({ '0': '0100', '4': String(stan).padStart(12, '0'), '7': '1127112233', '11': String(stan).padStart(6, '0'), '41': 'TERM0001' });

const linkTo = async (peer: Peer, o: Partial<LinkOptions> = {}): Promise<IsoLink> => {
  const link = new IsoLink({ host: '127.0.0.1', port: peer.port, dialect, framing: { header: 'binary2' }, requestTimeoutMs: 1_000, echoIntervalMs: 0, reconnect: { initialMs: 20, maxMs: 80 }, ...o });
  open.push(link);
  link.start();
  await link.ready(2_000);
  return link;
};

describe('a silent host is noticed while we keep sending', () => {
  it('a stalled primary under steady traffic is probed, taken down, and traffic moves to the secondary; nothing in flight hangs', async () => {
    let stalled = false;
    const primary = await peerOf((msg, p, s) => {
      if (!stalled) p.send(answer(msg), s);
    });
    const secondary = await peerOf(networkAware((msg, p, s) => p.send(answer(msg, { '44': 'SECONDARY' }), s)));
    const primaryStates: LinkState[] = [];
    const client = new IsoHostClient({
      endpoints: [
        { host: '127.0.0.1', port: primary.port },
        { host: '127.0.0.1', port: secondary.port },
      ],
      dialect,
      framing: { header: 'binary2' },
      // far longer than the probe: the failover must come from the probe, not from timeouts
      requestTimeoutMs: 10_000,
      echoIntervalMs: 150,
      reconnect: { initialMs: 5_000, maxMs: 5_000 },
    });
    open.push(client);
    client.start();
    await Promise.all(client.links.map((l) => l.ready(2_000)));
    const watch = setInterval(() => primaryStates.push(client.links[0]?.state ?? 'idle'), 5);

    // steady traffic, answered by the primary, then the primary goes silent mid-run
    const outcomes: Promise<{ stan: number; by: string }>[] = [];
    let stan = 0;
    const echoesBefore = (): number => primary.received.filter((m) => m['70'] === '301').length;
    for (let i = 0; i < 60; i++) {
      if (i === 20) stalled = true;
      const n = ++stan;
      outcomes.push(
        client.request(auth(n)).then(
          (r) => ({ stan: n, by: r.fields['44'] === 'SECONDARY' ? 'secondary' : 'primary' }),
          (e: unknown) => ({ stan: n, by: e instanceof LinkOutcomeUnknownError ? `unknown:${e.reason}` : `error:${String(e)}` }),
        ),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    const settled = await Promise.all(outcomes);
    clearInterval(watch);

    // while we kept writing, the silent primary got an echo probe and was taken down
    expect(echoesBefore()).toBeGreaterThanOrEqual(1);
    expect(primaryStates).toContain('backoff');
    // requests lost on the primary became unknown through the link loss, not through their own 10 s timeout
    const lost = settled.filter((o) => o.by.startsWith('unknown'));
    expect(lost.length).toBeGreaterThan(0);
    for (const o of lost) expect(o.by).toBe('unknown:link_lost');
    // none failed any other way, and the traffic after the failover went to the secondary
    expect(settled.every((o) => o.by === 'primary' || o.by === 'secondary' || o.by === 'unknown:link_lost')).toBe(true);
    expect(settled.at(-1)?.by).toBe('secondary');
    expect(settled.filter((o) => o.by === 'primary').every((o) => o.stan <= 20)).toBe(true);
  });

  it('consecutive timeouts trigger a probe at once, even with the idle echo off; an answered probe keeps the link', async () => {
    // the host answers network management only: authorisations time out
    const peer = await peerOf(networkAware(() => undefined));
    const link = await linkTo(peer, { requestTimeoutMs: 60, echoIntervalMs: 0, probeAfterTimeouts: 3 });
    for (let i = 1; i <= 3; i++) await expect(link.request(auth(i))).rejects.toMatchObject({ reason: 'timeout' });
    await until(() => peer.received.some((m) => m['70'] === '301'));
    await until(() => link.lastEchoAt !== undefined);
    expect(link.state).toBe('ready');
    expect(peer.connections).toBe(1);
  });

  it('a host that answers the probe late but sends other frames meanwhile is alive: the link stays', async () => {
    const held: FieldMap[] = [];
    const peer = await peerOf((msg, p, s) => {
      if (msg['0'] === '0800' && msg['70'] === '001') return p.send(answer(msg), s);
      if (msg['0'] === '0800') {
        // busy: the echo waits behind a backlog, but a late answer to an earlier request goes out first
        const late = held.shift();
        if (late) p.send(answer(late), s);
        setTimeout(() => p.send(answer(msg), s), 600);
        return;
      }
      held.push(msg);
    });
    const link = await linkTo(peer, { requestTimeoutMs: 60, echoIntervalMs: 0, echoTimeoutMs: 200, probeAfterTimeouts: 3 });
    for (let i = 1; i <= 3; i++) await expect(link.request(auth(i))).rejects.toMatchObject({ reason: 'timeout' });
    await until(() => peer.received.some((m) => m['70'] === '301'));
    await new Promise((r) => setTimeout(r, 400));
    expect(link.state).toBe('ready');
    expect(peer.connections).toBe(1);
  });

  it('an unanswered probe after consecutive timeouts takes the link down and it reconnects', async () => {
    const peer = await peerOf(networkAware(() => undefined, { answerEcho: false }));
    const link = await linkTo(peer, { requestTimeoutMs: 60, echoIntervalMs: 0, probeAfterTimeouts: 2 });
    for (let i = 1; i <= 2; i++) await expect(link.request(auth(i))).rejects.toMatchObject({ reason: 'timeout' });
    await until(() => peer.connections >= 2);
  });
});

describe('network management per dialect', () => {
  const iso93 = loadDialect('iso93-ascii');
  const answer93 = (msg: FieldMap, extra: FieldMap = {}): FieldMap => {
    const out: FieldMap = { '0': `1${msg['0']?.toString().slice(1, 2)}${Number(String(msg['0'])[2]) + 1}${String(msg['0'])[3]}`, '39': '800' };
    for (const f of ['7', '11', '24', '41']) if (msg[f] !== undefined) out[f] = msg[f];
    return { ...out, ...extra };
  };

  it('on iso93-ascii the link signs on with 1804/801, becomes ready on 1814/800, and echoes with 831', async () => {
    const peer = await peerOf((msg, p, s) => p.send(answer93(msg), s), { header: 'binary2' }, 0, iso93);
    const link = new IsoLink({ host: '127.0.0.1', port: peer.port, dialect: iso93, framing: { header: 'binary2' }, requestTimeoutMs: 1_000, echoIntervalMs: 50, reconnect: { initialMs: 20, maxMs: 80 } });
    open.push(link);
    link.start();
    await link.ready(2_000);
    expect(peer.received[0]).toMatchObject({ '0': '1804', '24': '801' });
    expect(peer.received[0]?.['70']).toBeUndefined();
    await until(() => peer.received.some((m) => m['0'] === '1804' && m['24'] === '831'));
    await until(() => link.lastEchoAt !== undefined);
    expect(link.state).toBe('ready');
  });

  it('on iso93-ascii a sign-on answered with a 1987 approval (39=00) is refused', async () => {
    const peer = await peerOf((msg, p, s) => p.send(answer93(msg, { '39': '000' }), s), { header: 'binary2' }, 0, iso93);
    const link = new IsoLink({ host: '127.0.0.1', port: peer.port, dialect: iso93, framing: { header: 'binary2' }, requestTimeoutMs: 500, echoIntervalMs: 0, reconnect: { initialMs: 20, maxMs: 40 } });
    open.push(link);
    link.start();
    await until(() => peer.connections >= 2);
    expect(link.state).not.toBe('ready');
  });

  it("answers the host's echo and sign-off, refuses unknown codes and key changes with 'function not supported' (1987: 40)", async () => {
    const peer = await peerOf(networkAware((msg, p, s) => p.send(answer(msg), s)));
    await linkTo(peer);
    const ask = async (stan: string, code: string): Promise<FieldMap | undefined> => {
      peer.send({ '0': '0800', '7': '1206101700', '11': stan, '70': code });
      await until(() => peer.received.some((m) => m['0'] === '0810' && m['11'] === stan));
      return peer.received.find((m) => m['0'] === '0810' && m['11'] === stan);
    };
    expect(await ask('900001', '301')).toMatchObject({ '39': '00', '70': '301' });
    expect(await ask('900002', '002')).toMatchObject({ '39': '00', '70': '002' });
    expect(await ask('900003', '161')).toMatchObject({ '39': '40', '70': '161' });
    expect(await ask('900004', '999')).toMatchObject({ '39': '40', '70': '999' });
  });

  it('a key change goes to the key store hook: approved only when it took the key', async () => {
    const seen: FieldMap[] = [];
    let accept = true;
    const peer = await peerOf(networkAware((msg, p, s) => p.send(answer(msg), s)));
    await linkTo(peer, {
      onKeyChange: (f) => {
        seen.push(f);
        return accept;
      },
    });
    peer.send({ '0': '0800', '7': '1206101700', '11': '910001', '70': '161' });
    await until(() => peer.received.some((m) => m['11'] === '910001' && m['0'] === '0810'));
    accept = false;
    peer.send({ '0': '0800', '7': '1206101700', '11': '910002', '70': '161' });
    await until(() => peer.received.some((m) => m['11'] === '910002' && m['0'] === '0810'));
    expect(seen.map((f) => f['11'])).toEqual(['910001', '910002']);
    expect(peer.received.find((m) => m['11'] === '910001' && m['0'] === '0810')?.['39']).toBe('00');
    expect(peer.received.find((m) => m['11'] === '910002' && m['0'] === '0810')?.['39']).toBe('40');
  });

  it('on iso93-ascii an unsupported host request is answered 1814 with action code 115', async () => {
    const peer = await peerOf((msg, p, s) => p.send(answer93(msg), s), { header: 'binary2' }, 0, iso93);
    const link = new IsoLink({ host: '127.0.0.1', port: peer.port, dialect: iso93, framing: { header: 'binary2' }, requestTimeoutMs: 1_000, echoIntervalMs: 0 });
    open.push(link);
    link.start();
    await link.ready(2_000);
    peer.send({ '0': '1804', '7': '1206101700', '11': '920001', '24': '811' });
    await until(() => peer.received.some((m) => m['0'] === '1814' && m['11'] === '920001'));
    expect(peer.received.find((m) => m['0'] === '1814' && m['11'] === '920001')).toMatchObject({ '39': '115', '24': '811' });
  });
});
