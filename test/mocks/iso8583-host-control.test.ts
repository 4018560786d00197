/**
 * `railyard mock iso8583-host` as a bank that Railyard does not own: started from the command
 * line in its own process, with its dialect, framing, MAC setting and faults given there, driven
 * through its control port (faults, stalls, drops, network requests) and read through its journal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { IsoLink, LinkOutcomeUnknownError, type LinkState } from '../../src/iso8583/link/index.js';

const children: ChildProcess[] = [];
const links: IsoLink[] = [];
afterAll(async () => {
  for (const l of links) await l.close();
  for (const c of children) c.kill('SIGKILL');
});

interface Started {
  child: ChildProcess;
  port: number;
  control: string;
}

async function startHost(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['bin/railyard.js', 'mock', 'iso8583-host', '--port', '0', '--admin-port', '0', ...args], {
    env: { ...process.env, RAILYARD_CLI_FROM_SOURCE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const line = /listening on 127\.0\.0\.1:(\d+), control on (http:\/\/127\.0\.0\.1:\d+)/;
  const end = Date.now() + 45_000;
  while (!line.test(out) && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  const m = line.exec(out);
  if (!m) throw new Error(`host did not start: ${out} ${err}`);
  return { child, port: Number(m[1]), control: m[2] ?? '' };
}

const post = async (control: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
  const res = await fetch(`${control}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

const auth = (stan: number, pan = '4242424242424242'): FieldMap => ({
  '0': '0100',
  '2': pan,
  '3': '000000',
  '4': '000000001000',
  '7': '1206101530',
  '11': String(stan).padStart(6, '0'),
  '14': '3012',
  '32': '470011',
  '41': 'TERM0001',
  '49': '978',
});

describe('railyard mock iso8583-host, driven from outside', () => {
  it('plays a no-MAC iso87-ascii bank: CLI faults, control-port faults, network requests, a stall noticed by the link, its journal', { timeout: 90_000 }, async () => {
    const host = await startHost(['--dialect', 'iso87-ascii', '--mac', 'off', '--fault', 'decline:authorize:51']);
    const states: LinkState[] = [];
    const link = new IsoLink({
      host: '127.0.0.1',
      port: host.port,
      dialect: loadDialect('iso87-ascii'),
      framing: { header: 'binary2' },
      requestTimeoutMs: 3_000,
      echoIntervalMs: 200,
      reconnect: { initialMs: 50, maxMs: 200 },
      onStateChange: (s) => states.push(s),
    });
    links.push(link);
    link.start();
    await link.ready(10_000);

    // the fault given on the command line meets the first authorisation; the next is approved
    expect((await link.request(auth(1))).fields['39']).toBe('51');
    expect((await link.request(auth(2))).fields['39']).toBe('00');

    // a fault through the control port: the request is lost before the host acts
    expect((await post(host.control, '/faults', { fault: 'no_reply', on: 'authorize' })).status).toBe(200);
    await expect(link.request(auth(3), { timeoutMs: 300 })).rejects.toBeInstanceOf(LinkOutcomeUnknownError);

    // the journal is the bank's own record: the decline booked, the lost request never executed, no card number
    const journal = (await (await fetch(`${host.control}/journal`)).json()) as { entries: { stan: string; responseCode: string; approved: boolean; last4: string }[] };
    expect(journal.entries.map((e) => [e.stan, e.responseCode, e.approved])).toEqual([
      ['000001', '51', false],
      ['000002', '00', true],
    ]);
    expect(JSON.stringify(journal)).not.toContain('4242424242424242');

    // the host asks for a key change: the link has no key store hook, so "function not supported" (1987: 40)
    const net = await post(host.control, '/network', { code: '161' });
    expect(net.status).toBe(200);
    expect(net.json['replies']).toEqual([expect.objectContaining({ '0': '0810', '39': '40', '70': '161' })]);

    // a stall under steady traffic: the link notices through its echo probe and reconnects
    expect((await post(host.control, '/stall', { ms: 1_500 })).status).toBe(200);
    const during = [4, 5, 6].map((n) => link.request(auth(n)).catch((e: unknown) => e));
    const outcomes = await Promise.all(during);
    for (const o of outcomes) expect(o).toBeInstanceOf(LinkOutcomeUnknownError);
    expect(states).toContain('backoff');
    await link.ready(10_000);
    expect((await link.request(auth(7))).fields['39']).toBe('00');
  });

  it('plays an iso93-ascii bank: the link signs on with 1804/1814', { timeout: 60_000 }, async () => {
    const host = await startHost(['--dialect', 'iso93-ascii', '--mac', 'off']);
    const link = new IsoLink({ host: '127.0.0.1', port: host.port, dialect: loadDialect('iso93-ascii'), framing: { header: 'binary2' }, requestTimeoutMs: 3_000, echoIntervalMs: 0 });
    links.push(link);
    link.start();
    await link.ready(10_000);
    const state = (await (await fetch(`${host.control}/state`)).json()) as { networkMessages: { signOn: number } };
    expect(state.networkMessages.signOn).toBe(1);
  });

  it('refuses bad control input naming the field, and a bad --fault at start with exit code 2', { timeout: 60_000 }, async () => {
    const host = await startHost(['--mac', 'off']);
    const bad = await post(host.control, '/faults', { fault: 'explode' });
    expect(bad.status).toBe(400);
    expect(String(bad.json['message'])).toMatch(/^fault: must be one of/);
    expect((await post(host.control, '/faults', { fault: 'decline', code: '5%' })).json['message']).toMatch(/^code:/);
    expect((await post(host.control, '/stall', { ms: -1 })).json['message']).toMatch(/^ms:/);

    const child = spawn(process.execPath, ['bin/railyard.js', 'mock', 'iso8583-host', '--port', '0', '--fault', 'explode'], { env: { ...process.env, RAILYARD_CLI_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--fault: fault: must be one of/);
  });
});
