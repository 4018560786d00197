import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEntry } from '../../mocks/iso8583-host/index.js';
import { SqliteStore } from '../../src/store/index.js';
import { payment } from '../store/fixtures.js';
import { CARD_JOURNAL } from './banks-process.js';
import type { Observed } from './drive.js';
import { checkInvariants, checkKeys } from './invariants.js';

/**
 * The checker must see what it is there to see: each invariant is made to break on purpose with a
 * store and a card-host journal built by hand, and a clean pair must pass.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (paymentId: string, over: Partial<HostEntry>): HostEntry => ({
  reference: `ref-${Math.random().toString(36).slice(2)}`,
  paymentId,
  kind: 'authorize',
  mti: '0100',
  stan: String(Math.floor(Math.random() * 1e6)).padStart(6, '0'),
  transmission: '0105090000',
  acquirer: '12345',
  amount: 12_345,
  currency: 'EUR',
  last4: '4242',
  responseCode: '00',
  approved: true,
  reversed: false,
  completed: false,
  refunded: 0,
  ...over,
});

async function setup(journal: HostEntry[]): Promise<{ store: SqliteStore; banks: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-sim-inv-'));
  dirs.push(dir);
  const banks = join(dir, 'banks');
  mkdirSync(banks);
  writeFileSync(join(banks, CARD_JOURNAL), journal.map((e) => JSON.stringify({ entry: e })).join('\n') + '\n');
  const store = new SqliteStore({ path: join(dir, 'db.sqlite') });
  await store.migrate();
  return { store, banks };
}

const noObservations: Observed[] = [];

describe('simulation invariants', () => {
  it('a succeeded card payment with one capture of its amount and nothing open passes', async () => {
    const p = payment({ status: 'succeeded', state: 'completed' });
    const { store, banks } = await setup([entry(p.id, { completed: true }), entry(p.id, { kind: 'complete', mti: '0220', completed: true })]);
    await store.transaction((tx) => tx.insertPayment(p));
    const r = await checkInvariants(store, banks, noObservations);
    expect(r.violations).toEqual([]);
    expect(r.endings.get(p.orderId)).toBe('succeeded');
    await store.close();
  });

  it('(b): failed at Railyard but captured at the host; succeeded with nothing captured', async () => {
    const failed = payment({ status: 'failed', state: 'declined' });
    const succeeded = payment({ status: 'succeeded', state: 'completed' });
    const { store, banks } = await setup([entry(failed.id, { completed: true }), entry(failed.id, { kind: 'complete', mti: '0220' })]);
    await store.transaction(async (tx) => {
      await tx.insertPayment(failed);
      await tx.insertPayment(succeeded);
    });
    const r = await checkInvariants(store, banks, noObservations);
    expect(r.violations.map((v) => [v.invariant, v.subject.split(' ')[1]])).toEqual([
      ['b', failed.id],
      ['b', succeeded.id],
    ]);
    await store.close();
  });

  it('(a): a processing payment with no timer and no open command is stranded', async () => {
    const p = payment({ status: 'processing', state: 'confirming' });
    const { store, banks } = await setup([]);
    await store.transaction((tx) => tx.insertPayment(p));
    const r = await checkInvariants(store, banks, noObservations);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]?.invariant).toBe('a');
    expect(r.violations[0]?.detail).toMatch(/stranded in confirming/);
    await store.close();
  });

  it('(d): two approved authorisations of one payment', async () => {
    const p = payment({ status: 'requires_review', state: 'manual_review' });
    const { store, banks } = await setup([entry(p.id, {}), entry(p.id, {})]);
    await store.transaction((tx) => tx.insertPayment(p));
    const r = await checkInvariants(store, banks, noObservations);
    expect(r.violations.map((v) => v.invariant)).toEqual(['d']);
    await store.close();
  });

  it('(c): one key answered with two resources', () => {
    expect(checkKeys(new Map([['k1', new Set(['pay_a'])], ['k2', new Set(['re_a', 're_b'])]])).map((v) => v.subject)).toEqual(['k2']);
  });
});
