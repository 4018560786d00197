import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { account, card, countMidFlow, crashAndRestart, freePort, rightEnd, startServer, stopGracefully, waitAllFinal, waitHealthy, type CommandRow } from './server-process.js';

/**
 * The whole server as a process: payments are created over HTTP, the process is SIGKILLed while
 * bank calls, timeouts and pending transfers are in the middle of their flows, then restarted on
 * the same data. Every payment must reach a final state: the documented one, also when a bank
 * command was caught in flight (a request the bank never received is sent again under its
 * reference), except where the protocol forbids it (see `rightEnd`); and the sandbox bank
 * (journaled to disk, so it outlives the crash) must never have executed a request twice.
 */
const KEY = 'sk_e2e_crash_test_0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'railyard-e2e-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const start = (port: number): ChildProcess => startServer({ RAILYARD_SANDBOX_RAILS: 'inprocess', RAILYARD_DATA_DIR: dataDir, PORT: String(port), RAILYARD_SANDBOX_API_KEY: KEY }, children);

const CASES: { method: object; expected: string; times: number }[] = [
  { method: card('4242424242424242'), expected: 'succeeded', times: 8 },
  { method: card('4000000000000002'), expected: 'failed', times: 2 },
  { method: card('4000000000009995'), expected: 'failed', times: 2 },
  { method: card('4000000000000119'), expected: 'failed', times: 3 },
  { method: card('4000000000000259'), expected: 'failed', times: 3 },
  { method: card('4000000000000010'), expected: 'requires_review', times: 2 },
  { method: account('DE89370400440532013000'), expected: 'succeeded', times: 4 },
  { method: account('DE89370400440532013000', 'Erika Musterfrau'), expected: 'failed', times: 2 },
  { method: account('DE02120300000000202051'), expected: 'failed', times: 2 },
  { method: account('DE02100100100006820101'), expected: 'failed', times: 2 },
  { method: account('DE91100000000123456789'), expected: 'succeeded', times: 3 },
];

interface Entry {
  reference: string;
  paymentId: string;
  flow: string;
  outcome: { kind: string };
  original?: string;
}

describe('crash recovery across processes', () => {
  it('SIGKILL mid-flow, restart on the same data: every payment ends safely, nothing runs twice at the bank', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const first = start(port);
    await waitHealthy(base, first);

    const expected = new Map<string, string>();
    const methodOf = new Map<string, string>();
    const creates: Promise<void>[] = [];
    let n = 0;
    for (const c of CASES) {
      for (let i = 0; i < c.times; i++) {
        const order = `e2e-${++n}`;
        creates.push(
          fetch(`${base}/v1/payments`, {
            method: 'POST',
            headers: { ...auth, 'idempotency-key': order },
            body: JSON.stringify({ amount: 1000 + n, currency: 'EUR', order_id: order, confirmation: 'none', payment_method: c.method, customer: { email: 'e2e@example.test' } }),
          }).then(async (r) => {
            expect(r.status).toBe(201);
            const id = ((await r.json()) as { id: string }).id;
            expected.set(id, c.expected);
            methodOf.set(id, (c.method as { type: string }).type);
          }),
        );
      }
    }
    await Promise.all(creates);
    // let the flows get going: verifications answered, authorisations and 3 s timeouts in flight
    await new Promise((r) => setTimeout(r, 400));
    expect(await countMidFlow(base, auth), 'the crash must catch flows in the middle').toBeGreaterThan(5);
    const second = await crashAndRestart(first, () => start(port), base);
    const statuses = await waitAllFinal(base, auth, expected.size, 60_000);
    expect(await stopGracefully(second)).toBe(0);

    // what the bank did, from its own journal
    const journal: Entry[] = readFileSync(join(dataDir, 'sandbox-bank.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Entry);
    const refs = journal.map((e) => e.reference);
    expect(new Set(refs).size, 'no reference executed twice').toBe(refs.length);
    const reversed = new Set(journal.filter((e) => e.flow === 'reverse' && e.outcome.kind === 'ok').map((e) => e.original));

    // the bank commands as Railyard recorded them (which were caught in flight by the crash)
    const db = new Database(join(dataDir, 'railyard.db'), { readonly: true });
    const commands = db.prepare("SELECT payment_id, name, reference, status FROM commands WHERE kind = 'bank' ORDER BY created_at, id").all() as CommandRow[];
    db.close();
    const lost = new Set(commands.filter((c) => c.status === 'lost').map((c) => c.payment_id));
    expect(lost.size, 'the crash must catch bank commands in flight').toBeGreaterThan(0);
    const executedRefs = new Set(journal.filter((e) => e.flow === 'authorize' || e.flow === 'transfer').map((e) => e.reference));

    let exact = 0;
    for (const [id, want] of expected) {
      const got = statuses.get(id);
      const moved = journal.filter((e) => e.paymentId === id && (e.flow === 'authorize' || e.flow === 'transfer') && e.outcome.kind !== 'declined');
      const standing = moved.some((e) => !reversed.has(e.reference) && (e.outcome.kind === 'ok' || e.outcome.kind === 'pending'));
      expect(moved.filter((e) => e.flow === 'authorize').length, `${id}: authorised at most once`).toBeLessThanOrEqual(1);
      expect(moved.filter((e) => e.flow === 'transfer').length, `${id}: transferred at most once`).toBeLessThanOrEqual(1);
      // the one right end, crash or not (see rightEnd), and the bank agrees with it
      const right = rightEnd(want, methodOf.get(id) ?? '', commands.filter((c) => c.payment_id === id), (ref) => executedRefs.has(ref));
      expect(got, `${id} (documented ${want}${lost.has(id) ? ', caught in flight' : ''})`).toBe(right.status);
      if (right.reversedAtBank !== undefined) expect(reversed.has(right.reversedAtBank), `${id}: the executed request was reversed at the bank`).toBe(true);
      if (got === 'succeeded') expect(standing, `${id} succeeded with money standing`).toBe(true);
      if (got === 'failed' || got === 'reversed') expect(standing, `${id} ${got} with no money standing`).toBe(false);
      if (!lost.has(id)) exact++;
    }
    // most payments were not caught mid-command and must end exactly as documented
    expect(exact).toBeGreaterThan(expected.size / 2);
  }, 120_000);
});
