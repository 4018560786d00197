/**
 * The invariants, checked after the workload and a quiet period, against the banks' own journals
 * (read as the simulators replay them at start) and the store read directly, not against what
 * Railyard's API says:
 *  (a) every payment and refund is terminal, or has a live timer or an open command that will move it;
 *  (b) what each bank's ledger holds for a payment (authorised, captured, transferred, refunded,
 *      reversed) is what Railyard's final status says;
 *  (c) one Idempotency-Key, one resource and at most one effect at the bank; one order id, one payment;
 *  (d) no request executed twice at a bank;
 *  (f) every history chain verifies.
 * (e), crash endings equal to crash-free endings, compares two runs (see run.ts).
 */
import { join } from 'node:path';
import { toBankId as sepaBankId } from '../../connectors/demo-sepa/mapping.js';
import { BankLedger } from '../../mocks/iso20022-bank/index.js';
import { HostLedger } from '../../mocks/iso8583-host/index.js';
import { SftpBankLedger } from '../../mocks/sftp-bank/index.js';
import { toBankId as batchBankId } from '../../src/connector/bank-id.js';
import { UNKEYED_AUDIT_KEYRING, verifyChain, type AuditKeyring } from '../../src/store/audit-chain.js';
import type { AuditHead } from '../../src/store/types.js';
import type { HistoryRecord, Store } from '../../src/store/types.js';
import type { Row } from '../../src/store/sql/executor.js';
import { BATCH_JOURNAL, CARD_JOURNAL, SEPA_JOURNAL } from './banks-process.js';
import type { Observed } from './drive.js';

export type InvariantId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

export interface Violation {
  invariant: InvariantId;
  /** The payment (order id and payment id) or key concerned. */
  subject: string;
  detail: string;
}

export const INVARIANT_NAMES: Record<InvariantId, string> = {
  a: 'terminal or something will move it',
  b: "bank's ledger matches Railyard's final status",
  c: 'one Idempotency-Key, one effect',
  d: 'no request executed twice at a bank',
  e: 'a crashed run ends where the crash-free run ends',
  f: 'history chains verify',
};

const FINAL_PAYMENT = new Set(['succeeded', 'failed', 'expired', 'canceled', 'reversed', 'requires_review']);
const FINAL_REFUND = new Set(['succeeded', 'failed', 'requires_review']);
const NOTHING_MOVED = new Set(['failed', 'expired', 'canceled', 'reversed']);

/** The SQL-capable store both implementations are (sqlQuery is theirs, not the Store interface's). */
export type SqlStore = Store & { sqlQuery(sql: string, params?: readonly (string | number | null)[]): Promise<Row[]> };

interface PaymentRow {
  id: string;
  order_id: string;
  connector: string;
  amount: number;
  status: string;
  state: string;
}
interface RefundRow {
  id: string;
  payment_id: string;
  amount: number;
  status: string;
  state: string;
}
interface CommandRow {
  aggregate_id: string;
  payment_id: string;
  kind: string;
  name: string;
  reference: string;
  status: string;
}

export interface Checked {
  violations: Violation[];
  /** order id -> final status (for (e)). */
  endings: Map<string, string>;
  /** order id -> the states its machine went through, with the events that moved it (for the report). */
  paths: Map<string, string>;
  /** payment id -> whether a bank command of it was lost (caught in flight by a crash). */
  counts: { payments: number; refunds: number; nonTerminal: number; historyRows: number };
}

export async function checkInvariants(store: SqlStore, banksDir: string, observed: readonly Observed[], auditKeys: AuditKeyring = UNKEYED_AUDIT_KEYRING): Promise<Checked> {
  // every chain head, as `railyard audit verify` reads them
  const heads = new Map<string, AuditHead>();
  for (let after: string | null = null; ; ) {
    const page = await store.listAuditHeads(after, 500);
    if (page.length === 0) break;
    for (const h of page) heads.set(h.paymentId, h);
    after = page[page.length - 1]?.paymentId ?? null;
  }
  const v: Violation[] = [];
  const payments = (await store.sqlQuery('SELECT id, order_id, connector, amount, status, state FROM payments')) as unknown as PaymentRow[];
  const refunds = (await store.sqlQuery('SELECT id, payment_id, amount, status, state FROM refunds')) as unknown as RefundRow[];
  const timers = new Set((await store.sqlQuery('SELECT aggregate_id FROM timers')).map((r) => String(r['aggregate_id'])));
  const commands = (await store.sqlQuery('SELECT aggregate_id, payment_id, kind, name, reference, status FROM commands')) as unknown as CommandRow[];
  const open = new Set(commands.filter((c) => c.status === 'pending' || c.status === 'in_flight').map((c) => c.aggregate_id));

  const host = new HostLedger(join(banksDir, CARD_JOURNAL));
  const bank = new BankLedger(join(banksDir, SEPA_JOURNAL));
  const batch = new SftpBankLedger(join(banksDir, BATCH_JOURNAL));
  const sepaEntries = bank.entries();

  const byPlanOrder = new Map(observed.map((o) => [o.plan.order, o]));
  const refundsOf = new Map<string, RefundRow[]>();
  for (const r of refunds) refundsOf.set(r.payment_id, [...(refundsOf.get(r.payment_id) ?? []), r]);
  const commandsOf = new Map<string, CommandRow[]>();
  for (const c of commands) commandsOf.set(c.payment_id, [...(commandsOf.get(c.payment_id) ?? []), c]);

  let nonTerminal = 0;
  let historyRows = 0;
  const endings = new Map<string, string>();
  const paths = new Map<string, string>();
  const ordersSeen = new Map<string, string[]>();

  for (const p of payments) {
    const subject = `${p.order_id} ${p.id} (${p.connector})`;
    const amount = Number(p.amount);
    endings.set(p.order_id, p.status);
    ordersSeen.set(p.order_id, [...(ordersSeen.get(p.order_id) ?? []), p.id]);
    const myRefunds = refundsOf.get(p.id) ?? [];

    // (a)
    if (!FINAL_PAYMENT.has(p.status)) {
      nonTerminal++;
      if (!timers.has(p.id) && !open.has(p.id)) v.push({ invariant: 'a', subject, detail: `stranded in ${p.state} (${p.status}): no timer, no open command` });
    }
    for (const r of myRefunds) {
      if (!FINAL_REFUND.has(r.status) && !timers.has(r.id) && !open.has(r.id)) v.push({ invariant: 'a', subject, detail: `refund ${r.id} stranded in ${r.state} (${r.status}): no timer, no open command` });
    }

    // What stands at the bank for this payment.
    let standing: number[] = []; // amounts moved and still standing
    let openAuth = 0;
    let refundedAtBank = 0;
    let refundEffects = 0;
    if (p.connector === 'demo-card') {
      const books = host.entries(p.id);
      const auths = books.filter((e) => e.kind === 'authorize' && e.approved);
      const captures = books.filter((e) => (e.kind === 'complete' || e.kind === 'purchase') && e.approved);
      if (auths.length > 1) v.push({ invariant: 'd', subject, detail: `authorised ${auths.length} times at the card host (${auths.map((e) => e.reference).join(', ')})` });
      if (captures.length > 1) v.push({ invariant: 'd', subject, detail: `captured ${captures.length} times at the card host` });
      standing = captures.filter((e) => !e.reversed).map((e) => e.amount);
      openAuth = auths.filter((e) => !e.reversed && !e.completed).length;
      const refundsAtHost = books.filter((e) => e.kind === 'refund' && e.approved && !e.reversed);
      refundedAtBank = refundsAtHost.reduce((s, e) => s + e.amount, 0);
      refundEffects = refundsAtHost.length;
    } else if (p.connector === 'demo-sepa') {
      const transfers = sepaEntries.filter((e) => e.flow === 'transfer' && e.instructionId === sepaBankId(p.id) && e.executed);
      const moved = transfers.filter((e) => (e.status === 'ACSC' || e.status === 'PDNG') && !e.reversed);
      if (moved.length > 1) v.push({ invariant: 'd', subject, detail: `transferred ${moved.length} times at the bank (${moved.map((e) => e.id).join(', ')})` });
      standing = moved.map((e) => e.amount?.amount ?? 0);
      const ids = new Set(transfers.map((e) => e.id));
      const back = sepaEntries.filter((e) => e.flow === 'refund' && e.original !== undefined && ids.has(e.original) && e.status === 'ACSC');
      refundedAtBank = back.reduce((s, e) => s + (e.amount?.amount ?? 0), 0);
      refundEffects = back.length;
    } else if (p.connector === 'demo-batch') {
      const mine = commandsOf.get(p.id) ?? [];
      const txOf = (name: string) => [...new Set(mine.filter((c) => c.kind === 'bank' && c.name === name).map((c) => batchBankId(c.reference)))].map((id) => batch.transactions.get(id)).filter((t) => t !== undefined);
      const moved = txOf('transfer').filter((t) => t.status !== 'RJCT' && !t.returned);
      if (moved.length > 1) v.push({ invariant: 'd', subject, detail: `transferred ${moved.length} times by the batch bank` });
      standing = moved.map((t) => t.amount.amount);
      const back = txOf('refund').filter((t) => t.status === 'ACSC');
      refundedAtBank = back.reduce((s, t) => s + t.amount.amount, 0);
      refundEffects = back.length;
    }

    // (b)
    if (p.status === 'succeeded') {
      if (standing.length !== 1 || standing[0] !== amount) v.push({ invariant: 'b', subject, detail: `succeeded (${amount}) but the bank holds ${JSON.stringify(standing)}` });
      if (openAuth > 0) v.push({ invariant: 'b', subject, detail: 'succeeded with an authorisation still open at the card host' });
    } else if (NOTHING_MOVED.has(p.status)) {
      if (standing.length > 0) v.push({ invariant: 'b', subject, detail: `${p.status} but the bank holds ${JSON.stringify(standing)} moved` });
      if (openAuth > 0) v.push({ invariant: 'b', subject, detail: `${p.status} with an authorisation left open at the card host` });
    }
    const refundsSettled = myRefunds.every((r) => r.status === 'succeeded' || r.status === 'failed');
    const refundedHere = myRefunds.filter((r) => r.status === 'succeeded').reduce((s, r) => s + Number(r.amount), 0);
    if (refundsSettled && refundedHere !== refundedAtBank) v.push({ invariant: 'b', subject, detail: `refunds succeeded for ${refundedHere} but the bank refunded ${refundedAtBank}` });
    if (refundEffects > myRefunds.length) v.push({ invariant: 'd', subject, detail: `${refundEffects} refunds executed at the bank for ${myRefunds.length} refunds in Railyard` });

    // (c): refunds in the store against the distinct keys the gateway used
    const o = byPlanOrder.get(p.order_id);
    if (o) {
      const keys = new Set(o.plan.refunds.map((r) => r.key));
      if (myRefunds.length > keys.size) v.push({ invariant: 'c', subject, detail: `${myRefunds.length} refunds for ${keys.size} Idempotency-Keys` });
      if (refundEffects > keys.size) v.push({ invariant: 'c', subject, detail: `${refundEffects} refunds at the bank for ${keys.size} Idempotency-Keys` });
      for (const m of o.violations) v.push({ invariant: 'c', subject, detail: m });
    }

    // (f)
    const history = await store.listHistory(p.id);
    historyRows += history.length;
    paths.set(p.order_id, describePath(history));
    const head = heads.get(p.id);
    const audit = head ? verifyChain(history, head, auditKeys) : { findings: [{ seq: null, kind: 'head_missing', detail: 'no chain head on the payment row' }] };
    for (const f of audit.findings) v.push({ invariant: 'f', subject, detail: `history chain: ${f.kind} at seq ${f.seq ?? '-'} (${f.detail})` });
  }

  // Plans whose payment never reached the store: what the client saw is all there is.
  for (const o of observed) if (!ordersSeen.has(o.plan.order)) for (const m of o.violations) v.push({ invariant: 'c', subject: `${o.plan.order} (no payment stored)`, detail: m });

  for (const [order, ids] of ordersSeen) if (ids.length > 1) v.push({ invariant: 'c', subject: order, detail: `one order id, ${ids.length} payments (${ids.join(', ')})` });

  return { violations: v, endings, paths, counts: { payments: payments.length, refunds: refunds.length, nonTerminal, historyRows } };
}

/** `received -START-> verifying -RESULT verify ok-> ...`: enough to see where a crash bent the path. */
function describePath(history: readonly HistoryRecord[]): string {
  const steps: string[] = [];
  for (const h of history) {
    if (h.kind !== 'transition' || !h.toState) continue;
    const d = (h.data ?? {}) as Record<string, unknown>;
    const outcome = (d['outcome'] ?? {}) as Record<string, unknown>;
    const why = [d['type'], d['flow'] ?? d['name'], outcome['kind'], outcome['code']].filter((x) => typeof x === 'string').join(' ');
    steps.push(`-${why}-> ${h.toState}`);
  }
  return steps.join(' ');
}

/** (c) as the gateway saw it: every answer to one key named the same resource. */
export function checkKeys(idsByKey: ReadonlyMap<string, ReadonlySet<string>>): Violation[] {
  const v: Violation[] = [];
  for (const [key, ids] of idsByKey) if (ids.size > 1) v.push({ invariant: 'c', subject: key, detail: `one Idempotency-Key answered with ${ids.size} resources: ${[...ids].join(', ')}` });
  return v;
}
