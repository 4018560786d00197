/**
 * `railyard batch run-cutoff|poll` and `railyard reconcile FILE`: the batch rail's runs by hand,
 * for operators (an early cut-off before a holiday, fetching the bank's files now, checking a
 * statement the bank sent by e-mail). They open the configured store and build the configured
 * batch connectors exactly as the server does; the engine learns the outcomes through its own
 * inquiries, so running these beside a live server is safe (the records are the truth, and every
 * run is idempotent).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { loadConfig, type RailyardConfig } from '../config.js';
import { batchConnectorTypes, connectorRegistry } from '../../connectors/registry.js';
import { BatchRail } from '../batch/rail.js';
import { readBatchProfile, type BatchProfile } from '../batch/profile.js';
import { reconcileItems, recordStatement } from '../batch/inbound/statement.js';
import { publishWith } from '../batch/inbound/publish.js';
import { Vault } from '../domain/vault.js';
import { silentLogger } from '../log.js';
import { createWebhooks } from '../notify/webhooks/create.js';
import { countBytes, ProgressBar, reportToCsv, reportToJson, type ProgressStream } from '../batch/reconcile/index.js';
import { settlementSummary } from '../batch/settlement.js';
import { BatchRecords } from '../batch/records.js';
import type { Connector } from '../connector/types.js';
import { systemClock } from '../domain/clock.js';
import { streamCamt053, type Camt053StreamEvent } from '../iso20022/camt053/index.js';
import { describeKeptAside, onlyStatements, splitStatements } from '../batch/inbound/statement-file.js';
import { maskIban } from '../domain/payment-method.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';

export interface BatchIo {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Where the progress bar draws (process.stderr; it draws only on a terminal). */
  progress?: ProgressStream;
}

const USAGE = `usage: railyard batch run-cutoff [--connector ID] [--all]
       railyard batch poll [--connector ID]
       railyard reconcile FILE [--connector ID] [--format json|csv] [--as-of YYYY-MM-DD] [--apply]
`;

interface Flags {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

function flags(args: string[], valued: readonly string[]): Flags | string {
  const out: Flags = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const name = a.slice(2);
    if (valued.includes(name)) {
      const v = args[++i];
      if (v === undefined) return `--${name} needs a value`;
      out.values.set(name, v);
    } else out.switches.add(name);
  }
  return out;
}

interface Opened {
  store: Store;
  rails: { id: string; rail: BatchRail; connector: Connector }[];
}

/** The configured batch connectors, built by the registry as the server builds them. */
async function openRails(config: RailyardConfig, only: string | undefined): Promise<Opened> {
  const store = createStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  await store.migrate();
  const rails: Opened['rails'] = [];
  try {
    for (const c of config.connectors) {
      if (only !== undefined && c.id !== only) continue;
      const factory = connectorRegistry[c.type]?.create;
      if (!factory) continue;
      // Only batch connectors are built: the others would dial their banks for nothing.
      if (!batchConnectorTypes.has(c.type)) continue;
      const connector = await factory({ clock: systemClock, settings: { ...c.settings, id: c.id }, report: () => undefined, store });
      const rail = (connector as { batch?: unknown }).batch;
      if (rail instanceof BatchRail) rails.push({ id: c.id, rail, connector });
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return { store, rails };
}

async function closeAll(o: Opened): Promise<void> {
  for (const r of o.rails) await r.connector.stop?.().catch(() => undefined);
  await o.store.close();
}

export async function batchCommand(args: string[], io: BatchIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const f = flags(args, ['connector']);
  const sub = typeof f === 'string' ? undefined : f.positional[0];
  if (typeof f === 'string' || (sub !== 'run-cutoff' && sub !== 'poll')) {
    io.stderr(typeof f === 'string' ? `railyard batch: ${f}\n${USAGE}` : USAGE);
    return 2;
  }
  const config = loadConfig(env);
  if (config.sandbox?.rails === 'simulators') {
    io.stderr('railyard batch: the sandbox runs its SFTP bank inside `npm start`, which also runs the cut-offs; use RAILYARD_CONFIG for a real bank\n');
    return 2;
  }
  const opened = await openRails(config, f.values.get('connector'));
  try {
    if (opened.rails.length === 0) {
      io.stderr(`railyard batch: no batch connector${f.values.has('connector') ? ` "${f.values.get('connector')}"` : ''} in the configuration\n`);
      return 2;
    }
    let failed = false;
    for (const { id, rail } of opened.rails) {
      if (sub === 'run-cutoff') {
        // --all: every queued transfer now, whatever cut-off it waits for (an early run before a closing day)
        const run = await rail.runCutoff(systemClock.now(), { all: f.switches.has('all') });
        const upload = await rail.upload();
        for (const file of run.files) io.stdout(`${id}: built ${file.name} (${file.transactions} transactions ${JSON.stringify(file.totals)})\n`);
        for (const name of upload.uploaded) io.stdout(`${id}: uploaded ${name}\n`);
        for (const x of upload.failed) io.stdout(`${id}: upload of ${x.name} failed (${x.kind}${x.retryable ? ', will retry' : ''})\n`);
        if (upload.failed.some((x) => !x.retryable)) failed = true;
        io.stdout(`${id}: settlement by cut-off ${JSON.stringify(await settlementSummary(rail.records, { limit: 5 }))}\n`);
      } else {
        // Twice, the profile's stable time apart: a file counts once its size and mtime held still
        // that long (or its done file is there), as in the server's own polls.
        await rail.poll();
        await systemClock.sleep(rail.profile.stableMs);
        const polled = await rail.poll();
        for (const file of polled.files) io.stdout(`${id}: ${file.name} ${file.message ?? '-'} ${file.outcome}${file.detail ? ` (${file.detail})` : ''}\n`);
        if (polled.files.length === 0) io.stdout(`${id}: no complete file waiting\n`);
      }
    }
    return failed ? 1 : 0;
  } finally {
    await closeAll(opened);
  }
}

/** Whether the named (or first batch) connector has a profile, so the file's account can be checked against it. */
function hasProfile(config: RailyardConfig, id: string | undefined): boolean {
  const c = id === undefined ? config.connectors.find((x) => batchConnectorTypes.has(x.type)) : config.connectors.find((x) => x.id === id);
  return (c?.settings as { profile?: unknown } | undefined)?.profile !== undefined;
}

/** Calendar and matching rules of the named connector, or defaults (TARGET2, Frankfurt time) for a bare file. */
function profileOf(config: RailyardConfig, id: string | undefined): BatchProfile {
  const c = id === undefined ? config.connectors.find((x) => batchConnectorTypes.has(x.type)) : config.connectors.find((x) => x.id === id);
  const given = (c?.settings as { profile?: unknown } | undefined)?.profile;
  return readBatchProfile(
    given ?? {
      bank: 'FILE',
      account: { name: 'statement', iban: 'DE00000000000000000000' },
      calendar: { timeZone: 'Europe/Berlin', cutoffs: ['23:59'], holidays: 'TARGET2' },
    },
  );
}

export async function reconcileCommand(args: string[], io: BatchIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const f = flags(args, ['connector', 'format', 'as-of']);
  if (typeof f === 'string' || f.positional.length !== 1) {
    io.stderr(typeof f === 'string' ? `railyard reconcile: ${f}\n${USAGE}` : USAGE);
    return 2;
  }
  const file = f.positional[0] as string;
  const format = f.values.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') {
    io.stderr('railyard reconcile: --format must be json or csv\n');
    return 2;
  }
  const asOf = f.values.get('as-of');
  if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    io.stderr('railyard reconcile: --as-of must be a date YYYY-MM-DD\n');
    return 2;
  }
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    io.stderr(`railyard reconcile: cannot read ${file}\n`);
    return 1;
  }
  const config = loadConfig(env);
  const connectorId = f.values.get('connector') ?? config.connectors.find((c) => batchConnectorTypes.has(c.type))?.id;
  const profile = profileOf(config, connectorId);
  const store = createStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await store.migrate();
    const records = new BatchRecords(store, connectorId ?? 'file');
    // Noon UTC of the as-of day: the same local date in every European bank time zone.
    const at = asOf ? Date.parse(`${asOf}T12:00:00Z`) : systemClock.now();
    const bar = new ProgressBar({ stream: io.progress ?? { write: () => undefined }, label: 'reconcile', total: size, unit: 'B' });
    const read = (): ReturnType<typeof streamCamt053> => streamCamt053(createReadStream(file, { highWaterMark: 64 * 1024 }));
    let events: AsyncIterable<Camt053StreamEvent> = streamCamt053(countBytes(createReadStream(file, { highWaterMark: 64 * 1024 }), (n) => bar.update(n)));
    if (hasProfile(config, connectorId)) {
      // A connector's records are about its own account: only that account's statements are
      // reconciled (and recorded with --apply); another account's would be nothing but false breaks.
      const split = await splitStatements(read(), profile.account.iban);
      const aside = describeKeptAside(split.others, profile.account.iban);
      if (split.ours.length === 0) {
        bar.finish();
        io.stderr(`railyard reconcile: ${file} holds no statement of ${maskIban(profile.account.iban)}, the account of connector ${connectorId ?? '-'}${aside ? ` (${aside})` : ''}; nothing recorded\n`);
        return 1;
      }
      if (aside) io.stderr(`${aside}\n`);
      events = onlyStatements(events, split.ours);
    }
    const reconciled = await reconcileItems({ profile, calendar: profile.calendar }, records.itemsForReconciliation(), events, at);
    bar.finish();
    if (f.switches.has('apply')) {
      // Breaks recorded by hand reach the gateway as the poller's do: queued for the running server to deliver.
      const webhooks = createWebhooks({ store, vault: new Vault(config.security), clock: systemClock, log: silentLogger() });
      const publish = publishWith(webhooks.endpoints.queue);
      const effect = await store.sqlTransaction((db, dialect) => recordStatement(db, dialect, { records, profile, calendar: profile.calendar, publish }, reconciled, '053', null, at));
      io.stderr(effect.duplicate ? `statement ${effect.statementId} was applied before: nothing recorded\n` : `recorded: ${effect.result.settlements.length} settlements, ${effect.newBreaks.length} new breaks\n`);
    }
    io.stdout(format === 'csv' ? reportToCsv(reconciled.result.breaks) : `${reportToJson(reconciled.result)}\n`);
    return reconciled.result.breaks.length === 0 ? 0 : 3;
  } finally {
    await store.close();
  }
}
