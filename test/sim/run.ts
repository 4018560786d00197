/**
 * One simulation run: a seed, a store and topology, a set of fault kinds. Starts the banks and the
 * nodes, drives the workload while the fault schedule fires, waits for the quiet, stops the nodes
 * and checks the invariants against the banks' journals and the store.
 */
import { DEFAULT_ABANDONED_MS } from '../../src/api/idempotency.js';
import { AuditKeyring } from '../../src/store/audit-chain.js';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { SQLITE_FILE } from '../../src/store/index.js';
import { Api } from './client.js';
import { drive, type Observed } from './drive.js';
import { planFaults, storeFaultEnv, type FaultEvent, type FaultKind } from './faults.js';
import { fireSchedule } from './fire.js';
import { checkInvariants, checkKeys, type SqlStore, type Violation } from './invariants.js';
import { Prng } from './prng.js';
import { BANKS_ERRORS } from './banks-process.js';
import { API_KEY_PREFIX, Node, TIMING, killAll, startBanks, writeConfig } from './processes.js';
import { planWorkload, type ConnectorId, type PaymentPlan } from './workload.js';

export type StoreKind = 'sqlite' | 'pg';

export interface RunOptions {
  seed: number;
  payments: number;
  faults: ReadonlySet<FaultKind>;
  store: StoreKind;
  nodes: number;
  connectors: readonly ConnectorId[];
  /** Replays after the 60 s in-flight takeover window of src/api/idempotency.ts (not configurable). */
  takeover: boolean;
  /** Keep the run's directory (and PostgreSQL schema) for a look after a failure. */
  keep: boolean;
  log: (line: string) => void;
}

export interface RunResult {
  options: RunOptions;
  violations: Violation[];
  endings: Map<string, string>;
  plans: PaymentPlan[];
  /** What the client saw, per order id. */
  traces: Map<string, string[]>;
  /** The machine's path per order id (from the history). */
  paths: Map<string, string>;
  schedule: FaultEvent[];
  counts: { payments: number; refunds: number; nonTerminal: number; historyRows: number; kills: number; serverErrors: number; networkErrors: number };
  durationMs: number;
  dir: string;
  /** Observations that are not invariants (a simulator's own trouble). */
  notes: string[];
  /** Set when the run could not be carried out (a start failure): not an invariant. */
  error?: string;
}

const QUIET_MAX_MS = 30_000;
const TAKEOVER_MS = DEFAULT_ABANDONED_MS + 1_000;
const PG_BASE = process.env['SIM_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function runOnce(o: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const rng = new Prng(o.seed);
  const dir = mkdtempSync(join(tmpdir(), `railyard-sim-${o.seed}-`));
  const children: ChildProcess[] = [];
  const spanMs = Math.min(1_000 + o.payments * 250, 10_000);
  const plans = planWorkload(rng.fork('workload'), { payments: o.payments, connectors: o.connectors, spreadMs: spanMs, takeover: o.takeover });
  const schedule = planFaults(rng.fork('faults'), { faults: o.faults, connectors: o.connectors, nodes: o.nodes, spanMs: spanMs + 4_000, payments: o.payments });
  const storeFaults = o.faults.has('store') ? storeFaultEnv(rng.fork('store')) : undefined;
  const apiKey = `${API_KEY_PREFIX}${rng.fork('key').hex(12)}`;
  const result: RunResult = { options: o, violations: [], endings: new Map(), plans, traces: new Map(), paths: new Map(), notes: [], schedule, counts: { payments: 0, refunds: 0, nonTerminal: 0, historyRows: 0, kills: 0, serverErrors: 0, networkErrors: 0 }, durationMs: 0, dir };

  let schema: string | undefined;
  let store: SqlStore | undefined;
  const nodes: Node[] = [];
  try {
    let databaseUrl: string | undefined;
    if (o.store === 'pg') {
      schema = `sim_${o.seed}_${rng.fork('schema').hex(4)}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: PG_BASE });
      await admin.connect();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      await admin.end();
      databaseUrl = `${PG_BASE}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    }
    for (let i = 0; i < o.nodes; i++) nodes.push(await Node.create(i, children, storeFaults?.(i)));
    const first = nodes[0] as Node;
    const banks = await startBanks(
      { dataDir: join(dir, 'banks'), callbackUrl: `${first.base}/v1/connectors/demo-sepa/inbound`, lateReplyMs: TIMING.lateReplyMs, settleAfterMs: TIMING.settleAfterMs, autoProcessMs: 700 },
      children,
    );
    const configRng = rng.fork('config');
    const auditKeyHex = configRng.hex(32);
    const config = writeConfig({ dir, banks: banks.ready, apiKey, rng: configRng, auditKeyHex, ...(databaseUrl ? { databaseUrl } : {}) });
    for (const n of nodes) {
      n.env = { RAILYARD_CONFIG: config };
      n.logPath = join(dir, `node-${n.index}.log`);
    }
    for (const n of nodes) await n.start();
    store = o.store === 'pg' ? new PostgresStore({ connectionString: PG_BASE, schema: schema as string, maxConnections: 2 }) : new SqliteStore({ path: join(dir, 'railyard', SQLITE_FILE) });

    const api = new Api(nodes, apiKey, rng.fork('routing'));
    const t0 = Date.now();
    const storeRef = store;
    const inFlight = async (flow: string): Promise<boolean> =>
      (await storeRef.sqlQuery("SELECT 1 AS x FROM commands WHERE status = 'in_flight' AND kind = 'bank' AND name = ? LIMIT 1", [flow])).length > 0;
    const firing = fireSchedule(schedule, nodes, banks.admin, inFlight, (line) => {
      result.counts.kills++;
      o.log(`  ${line}`);
    });
    // awaited after the workload; a restart that fails meanwhile must not be an unhandled rejection
    firing.catch(() => undefined);
    const deadline = t0 + spanMs + 60_000 + (o.takeover ? 2 * TAKEOVER_MS : 0);
    const observed: Observed[] = await Promise.all(plans.map((p) => drive(p, { api, banksAdmin: banks.admin, deadline, takeoverMs: TAKEOVER_MS, t0 })));
    await firing;
    for (const n of nodes) if (!n.alive) await n.start();

    await quiet(store);
    for (const n of nodes) await n.stop();
    await fetch(`${banks.admin}/reset`, { method: 'POST' }).catch(() => undefined);
    // The banks must have lived through the whole run, or their journals say nothing.
    if (banks.child.exitCode !== null || banks.child.signalCode !== null) throw new Error(`the banks process died during the run: ${banks.tail()}`);
    // Late bank files and pushes are in the journals once the banks stop.
    const exited = new Promise((r) => banks.child.once('exit', r));
    banks.child.kill('SIGTERM');
    await exited;

    for (const ob of observed) result.traces.set(ob.plan.order, ob.trace);
    const bankErrors = join(dir, 'banks', BANKS_ERRORS);
    if (existsSync(bankErrors)) result.notes.push(`a bank simulator threw (kept running): ${readFileSync(bankErrors, 'utf8').split('\n').slice(0, 6).join(' | ')}`);
    const checked = await checkInvariants(store, join(dir, 'banks'), observed, new AuditKeyring('asim', [{ id: 'asim', key: Buffer.from(auditKeyHex, 'hex') }]));
    result.violations = [...checked.violations, ...checkKeys(api.idsByKey)];
    result.endings = checked.endings;
    result.paths = checked.paths;
    Object.assign(result.counts, checked.counts, { serverErrors: api.serverErrors, networkErrors: api.networkErrors });
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    killAll(children);
    await store?.close().catch(() => undefined);
    if (schema && !o.keep) {
      const admin = new pg.Client({ connectionString: PG_BASE });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  result.durationMs = Date.now() - started;
  return result;
}

/** Waits until every payment and refund is terminal, or QUIET_MAX_MS passed. */
async function quiet(store: SqlStore): Promise<void> {
  const end = Date.now() + QUIET_MAX_MS;
  while (Date.now() < end) {
    const rows = await store.sqlQuery(
      "SELECT (SELECT COUNT(*) FROM payments WHERE status NOT IN ('succeeded','failed','expired','canceled','reversed','requires_review')) AS p, (SELECT COUNT(*) FROM refunds WHERE status NOT IN ('succeeded','failed','requires_review')) AS r",
    );
    const row = rows[0] ?? {};
    if (Number(row['p']) === 0 && Number(row['r']) === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  // replies and pushes still on their way must not change a final answer
  await new Promise((r) => setTimeout(r, 1_500));
}
