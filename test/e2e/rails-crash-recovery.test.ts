import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { toBankId } from '../../connectors/demo-sepa/mapping.js';
import { BankLedger } from '../../mocks/iso20022-bank/index.js';
import { HostLedger } from '../../mocks/iso8583-host/index.js';
import { CARD_HOST_JOURNAL, SEPA_BANK_JOURNAL } from '../../src/sandbox-simulators.js';
import { account, card, countMidFlow, crashAndRestart, freePort, rightEnd, startServer, stopGracefully, waitAllFinal, waitHealthy, type CommandRow } from './server-process.js';

/**
 * The sandbox on real rails (RAILYARD_SANDBOX_RAILS=simulators) as a process: cards go over ISO
 * 8583 to the card host, bank accounts over ISO 20022 to the bank, both simulators inside the
 * process with their books journaled in the data dir. The process is SIGKILLed while
 * authorisations, timeouts and pending transfers are in the middle of their flows, then restarted
 * on the same data. Every payment must end as documented, also when a bank command was caught in
 * flight (a request the bank never received is sent again under its reference), except where the
 * protocol forbids it (see `rightEnd`); the simulators' books agree; nothing executes twice.
 */
const KEY = 'sk_e2e_rails_crash_0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'railyard-e2e-rails-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const start = (port: number): ChildProcess =>
  startServer({ RAILYARD_SANDBOX_RAILS: 'simulators', RAILYARD_DATA_DIR: dataDir, PORT: String(port), RAILYARD_SANDBOX_API_KEY: KEY }, children);

/** Every card and IBAN test value of ARCHITECTURE.md with its documented final status (mocks/README.md). */
const CASES: { method: { type: string }; expected: string; times: number }[] = [
  { method: card('4242424242424242'), expected: 'succeeded', times: 6 },
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

const FINAL = new Set(['succeeded', 'failed', 'reversed', 'requires_review', 'expired', 'canceled']);

interface Created {
  expected: string;
  method: string;
  amount: number;
  /** Created right before the kill: its first bank calls are the ones most likely caught in flight. */
  lastWave: boolean;
}

describe('crash recovery on the real-protocol rails', () => {
  it('SIGKILL mid-flow, restart on the same data: card host and bank agree with every final state', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const first = start(port);
    await waitHealthy(base, first);

    const created = new Map<string, Created>();
    let n = 0;
    const wave = (times: (c: (typeof CASES)[number]) => number, lastWave: boolean) =>
      Promise.all(
        CASES.flatMap((c) =>
          Array.from({ length: times(c) }, async () => {
            const order = `rails-${++n}`;
            const amount = 1_000 + n;
            const r = await fetch(`${base}/v1/payments`, {
              method: 'POST',
              headers: { ...auth, 'idempotency-key': order },
              body: JSON.stringify({ amount, currency: 'EUR', order_id: order, confirmation: 'none', payment_method: c.method, customer: { email: 'e2e@example.test' } }),
            });
            expect(r.status).toBe(201);
            const p = (await r.json()) as { id: string; connector: string };
            expect(p.connector).toBe(c.method.type === 'card' ? 'demo-card' : 'demo-sepa');
            created.set(p.id, { expected: c.expected, method: c.method.type, amount, lastWave });
          }),
        ),
      );
    await wave((c) => c.times, false);
    // Let the flows get going: verifications answered, authorisations in their 3 s timeouts,
    // transfers pending at the bank.
    await new Promise((r) => setTimeout(r, 500));
    // One more of each value right before the kill, so verifications, transfers and status
    // requests on both rails are caught in flight as well, not only the card authorisations.
    await wave(() => 1, true);
    expect(await countMidFlow(base, auth), 'the crash must catch flows in the middle').toBeGreaterThan(5);
    const second = await crashAndRestart(first, () => start(port), base);
    // (a request the bank never received is resent after its 3 s timeout: allow a few rounds)
    const statuses = await waitAllFinal(base, auth, created.size, 45_000);
    // Late replies and pushes still in the air must not change a final answer.
    await new Promise((r) => setTimeout(r, 500));
    expect(await stopGracefully(second), 'SIGTERM stops cleanly').toBe(0);
    for (const [id] of created) expect(FINAL.has(statuses.get(id) ?? ''), `${id} final (${statuses.get(id)})`).toBe(true);

    // What the banks did, from their own journals (replayed as their next start would).
    const host = new HostLedger(join(dataDir, CARD_HOST_JOURNAL));
    const bank = new BankLedger(join(dataDir, SEPA_BANK_JOURNAL));
    // Which payments had a bank command caught in flight by the crash.
    const db = new Database(join(dataDir, 'railyard.db'), { readonly: true });
    const commands = db.prepare("SELECT payment_id, name, reference, status FROM commands WHERE kind = 'bank' ORDER BY created_at, id").all() as CommandRow[];
    db.close();
    const lost = new Set(commands.filter((c) => c.status === 'lost').map((c) => c.payment_id));

    let exact = 0;
    let firstWave = 0;
    let completedAtHost = 0;
    let paidAtBank = 0;
    for (const [id, c] of created) {
      const got = statuses.get(id);
      let standing: boolean;
      if (c.method === 'card') {
        const books = host.entries(id);
        const auths = books.filter((e) => e.kind === 'authorize');
        const completions = books.filter((e) => e.kind === 'complete');
        for (const e of [...auths, ...completions]) expect(host.received(e.reference), `${id}: ${e.kind} ${e.reference} reached the host once`).toBe(1);
        expect(auths.filter((e) => e.approved).length, `${id}: authorised at most once`).toBeLessThanOrEqual(1);
        expect(completions.filter((e) => e.approved).length, `${id}: completed at most once`).toBeLessThanOrEqual(1);
        const open = auths.filter((e) => e.approved && !e.reversed && !e.completed);
        const completed = completions.filter((e) => e.approved && !e.reversed);
        // No money authorised without a completion or a reversal, unless a person has to look.
        if (got !== 'requires_review') expect(open, `${id} (${got}): an authorisation left open`).toEqual([]);
        completedAtHost += completed.reduce((s, e) => s + e.amount, 0);
        standing = completed.length > 0;
      } else {
        const transfers = bank.entries().filter((e) => e.flow === 'transfer' && e.instructionId === toBankId(id) && e.executed);
        for (const e of transfers) expect(e.received, `${id}: transfer ${e.id} reached the bank once`).toBe(1);
        const moved = transfers.filter((e) => (e.status === 'ACSC' || e.status === 'PDNG') && !e.reversed);
        expect(moved.length, `${id}: transferred at most once`).toBeLessThanOrEqual(1);
        paidAtBank += moved.reduce((s, e) => s + (e.amount?.amount ?? 0) - e.returned, 0);
        standing = moved.length > 0;
      }
      // The one right end, crash or not (see rightEnd); the bank's books agree with it.
      const mine = commands.filter((x) => x.payment_id === id);
      const executedAtHost = (ref: string) => host.entries(id).some((e) => e.reference === ref && (e.kind === 'authorize' || e.kind === 'complete' || e.kind === 'purchase'));
      const right = rightEnd(c.expected, c.method, mine, executedAtHost);
      expect(got, `${id} (${c.method}, documented ${c.expected}${lost.has(id) ? ', caught in flight' : ''})`).toBe(right.status);
      if (right.reversedAtBank !== undefined) expect(host.entries(id).find((e) => e.reference === right.reversedAtBank)?.reversed, `${id}: reversed at the host`).toBe(true);
      if (got === 'succeeded') expect(standing, `${id} succeeded with money standing at the bank`).toBe(true);
      if (got === 'failed' || got === 'reversed') expect(standing, `${id} ${got} with no money standing at the bank`).toBe(false);
      if (!lost.has(id) && !c.lastWave) exact++;
      if (!c.lastWave) firstWave++;
    }
    // The banks' totals are Railyard's: what succeeded is exactly what stands paid.
    const succeededSum = (method: string): number => [...created].filter(([id, c]) => c.method === method && statuses.get(id) === 'succeeded').reduce((s, [, c]) => s + c.amount, 0);
    expect(completedAtHost, 'card host completions = succeeded card payments').toBe(succeededSum('card'));
    expect(paidAtBank, 'bank transfers standing = succeeded bank-account payments').toBe(succeededSum('bank_account'));
    expect(host.summary().completed).toBe(completedAtHost);
    // Most payments of the first wave were not caught mid-command and end exactly as documented.
    expect(exact).toBeGreaterThan(firstWave / 2);
  }, 90_000);
});
