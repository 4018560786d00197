/**
 * Wires a Railyard from a resolved configuration (store, vault, connectors, engine, HTTP app) and
 * serves it. Shutdown runs in the reverse order of start-up so nothing is used after it closed:
 * HTTP first (no new work), then the engine workers, then the banks, then the store.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { connectorRegistry, type ConnectorRegistry } from '../connectors/registry.js';
import { createApp, type RailyardApp } from './api/app.js';
import { encryptedMethodDecrypter } from './api/encrypted-method.js';
import { SANDBOX_MERCHANT_ID, type RailyardConfig } from './config.js';
import { ConnectorSet } from './connector/registry-types.js';
import type { Connector, ConnectorReport } from './connector/types.js';
import { systemClock, type Clock } from './domain/clock.js';
import { Vault } from './domain/vault.js';
import { Engine } from './engine/engine.js';
import { MerchantDirectory } from './engine/merchants.js';
import { createLogger, type Logger } from './log.js';
import type { Notifier } from './notify/notifier.js';
import type { SmtpSandboxInbox } from './notify/sandbox-inbox.js';
import type { SandboxSimulators } from './sandbox-simulators.js';
import { SmtpNotifier } from './notify/email/smtp-notifier.js';
import { teeNotifier } from './notify/tee.js';
import { createWebhooks } from './notify/webhooks/create.js';
import { publishWith } from './batch/inbound/publish.js';
import { createStore } from './store/index.js';
import { disableXsdGate, xsdDirectory, xsdDirectoryUsable } from './iso20022/xsd.js';
import type { EventRecord, Store, StoreTx } from './store/types.js';
import { loadTrust } from './trust/runtime.js';
import { loadCredential, type Credential } from './trust/keys.js';
import { startCheckpointer } from './trust/audit-checkpoint.js';
import { loadOrCreateSandboxEncryption, loadOrCreateSandboxMerchantSigning, loadOrCreateSandboxSigning } from './trust/self-signed.js';
import { signDetached } from './trust/sign.js';

export interface RailyardOptions {
  log?: Logger;
  clock?: Clock;
  /** Defaults to connectors/registry.ts; integrators pass their own to add banks. */
  registry?: ConnectorRegistry;
  /** How customers are told (codes, results). Defaults to the in-memory inbox in sandbox mode. */
  notifier?: Notifier;
  /** Start the engine's background workers (default true); tests may drive `engine.drain()` instead. */
  startWorkers?: boolean;
}

export type { RailyardApp };

/** A wired Railyard that is not listening yet: `app.fetch` answers requests in process. */
export interface Railyard {
  config: RailyardConfig;
  app: RailyardApp;
  engine: Engine;
  store: Store;
  merchants: MerchantDirectory;
  connectors: ConnectorSet;
  log: Logger;
  clock: Clock;
  /** The sandbox customer inbox (one-time codes in clear): what its SMTP capture server received; sandbox mode only. */
  sandboxNotifier?: SmtpSandboxInbox;
  /** The in-process bank simulators; sandbox on `rails: 'simulators'` only. */
  simulators?: SandboxSimulators;
  /** Stops the workers, the connectors, the simulators (if any) and the store. Safe to call more than once. */
  close(): Promise<void>;
}

export interface RunningRailyard {
  /** Where clients reach it, e.g. `http://127.0.0.1:8080` (an unspecified bind address shows as loopback). */
  url: string;
  host: string;
  port: number;
  railyard: Railyard;
  /** Graceful stop: refuse new connections, finish requests in flight, then `railyard.close()`. */
  stop(): Promise<void>;
}

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * Without a customer channel configured, notifications cannot reach anyone. They are dropped
 * loudly (never with their content: a one-time code must not reach the logs).
 */
const droppingNotifier = (log: Logger): Notifier => ({
  async send(n) {
    log.warn({ kind: n.kind, payment_id: n.paymentId }, 'no customer notification channel configured; notification dropped');
  },
});

/**
 * The sandbox must run from a clone of the repository alone, where the official schemas may be
 * absent: then it runs without the outbound XSD gate and says so on stderr and in the log, so
 * nobody mistakes its messages for checked ones. Production never does this (a connector that
 * needs the schemas refuses to start without them).
 */
function sandboxXsdGate(log: Logger): void {
  if (xsdDirectoryUsable()) return;
  const reason = `no ISO 20022 schemas in ${xsdDirectory()}`;
  disableXsdGate(reason);
  const line = `WARNING: ${reason}; the sandbox sends ISO 20022 messages WITHOUT the XSD gate. Set RAILYARD_ISO20022_XSD_DIR to a directory of the official XSDs to check them.`;
  process.stderr.write(`railyard: ${line}\n`);
  log.warn({ xsd_dir: xsdDirectory() }, line);
}

/**
 * The configured order-signature certificates; the sandbox merchant also signs (optional policy)
 * with a test pair kept in the data dir, so a developer can try signing and see refusals.
 */
async function orderSignatureFiles(config: RailyardConfig): Promise<NonNullable<RailyardConfig['trust']>['orderSignatures']> {
  const files = { ...(config.trust?.orderSignatures ?? {}) };
  const sandboxMerchant = config.merchants[0]?.id ?? SANDBOX_MERCHANT_ID;
  if (config.mode === 'sandbox' && !files[sandboxMerchant]) {
    const pair = await loadOrCreateSandboxMerchantSigning(config.dataDir);
    files[sandboxMerchant] = { policy: 'optional', certificates: [pair.certificate] };
  }
  return files;
}

/**
 * Bank pushes arrive at POST /v1/connectors/{id}/inbound without a merchant key; only the
 * connector can tell a bank from anyone else. Outside the sandbox a connector whose inbound route
 * cannot authenticate the bank is not started at all, rather than accepting forged statuses.
 */
export function assertInboundAuthenticated(config: Pick<RailyardConfig, 'mode'>, connector: Connector): void {
  if (config.mode === 'sandbox' || !connector.flows.inbound) return;
  const auth = connector.inboundAuth ?? 'none';
  if (auth === 'none') {
    throw new StartupError(
      `connector "${connector.id}": its inbound route (POST /v1/connectors/${connector.id}/inbound) cannot authenticate the bank; configure the bank's certificates (settings.bankCertificates) so every push must be signed`,
    );
  }
}

export async function createRailyard(config: RailyardConfig, options: RailyardOptions = {}): Promise<Railyard> {
  const log = options.log ?? createLogger();
  const clock = options.clock ?? systemClock;
  const registry = options.registry ?? connectorRegistry;
  const vault = new Vault(config.security);
  const store = createStore({ dataDir: config.dataDir, auditKeys: config.audit.keys, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  const started: Connector[] = [];
  let engine: Engine | null = null;
  let simulators: SandboxSimulators | undefined;
  let inbox: SmtpSandboxInbox | undefined;
  try {
    await store.migrate();
    if (config.mode === 'sandbox') sandboxXsdGate(log);
    // The simulators must listen before the connectors dial them; their ports are known only now.
    if (config.sandbox?.rails === 'simulators') {
      const { startSandboxSimulators } = await import('./sandbox-simulators.js');
      simulators = await startSandboxSimulators(config.dataDir);
    }

    // Connectors may report (late replies, pushed statuses) before the engine exists: keep those
    // reports and hand them over once it does, so none is lost during start-up.
    const early: { connector: string; report: ConnectorReport }[] = [];
    const deliver = (connector: string, report: ConnectorReport): void => {
      if (!engine) {
        early.push({ connector, report });
        return;
      }
      engine.report(connector, report).catch((err: unknown) => log.error({ err, connector, flow: report.flow }, 'connector report failed'));
    };
    // Rails that publish events of their own (reconciliation breaks) reach the webhook queue once it exists.
    let queueWebhooks: ((tx: StoreTx, e: EventRecord) => Promise<void>) | undefined;
    const publish = publishWith(async (tx, e) => queueWebhooks?.(tx, e));
    const connectors = new ConnectorSet();
    for (const c of simulators ? simulators.wire(config.connectors) : config.connectors) {
      const factory = registry[c.type]?.create;
      if (!factory) throw new StartupError(`connector "${c.id}": unknown type "${c.type}"`);
      const connector = await factory({ clock, settings: { ...c.settings, id: c.id }, report: (r) => deliver(c.id, r), store, publish, mode: config.mode,
        // No merchant owns such news: it goes to the operators' log (the connector's health shows it too).
        notice: (n) => log.warn({ connector: n.connector, event: n.type, ...n.data }, 'connector notice') });
      if (connector.id !== c.id) throw new StartupError(`connector "${c.id}": its factory built a connector with id "${connector.id}"`);
      assertInboundAuthenticated(config, connector);
      connectors.add(connector);
      await connector.start?.();
      started.push(connector);
    }

    const merchants = new MerchantDirectory(config.merchants);
    // Signed orders and encrypted account data. The sandbox always has an encryption key pair
    // (self-signed, kept in the data dir) so gateway developers can try encrypted methods.
    const encryptionFiles = config.trust?.encryption ?? (config.mode === 'sandbox' ? [await loadOrCreateSandboxEncryption(config.dataDir)] : undefined);
    const trust = loadTrust(
      { orderSignatures: await orderSignatureFiles(config), ...(encryptionFiles ? { encryption: encryptionFiles } : {}) },
      () => new Date(clock.now()),
    );
    // The sandbox's customers get real mail, sent over SMTP to its own capture server (journaled
    // in the data dir, read by /sandbox/notifications). An injected notifier wins.
    if (config.mode === 'sandbox' && !options.notifier) {
      const { SmtpSandboxInbox } = await import('./notify/sandbox-inbox.js');
      inbox = await SmtpSandboxInbox.start({ dataDir: config.dataDir, store });
    }
    const sandboxNotifier = inbox;
    // Customer email when configured (beside the sandbox inbox in sandbox mode).
    const smtpSettings = options.notifier ? undefined : config.notifications?.smtp;
    const smtp = smtpSettings ? new SmtpNotifier(smtpSettings) : undefined;
    const sandboxMail = inbox?.notifier;
    const notifier = options.notifier ?? (smtp && sandboxMail ? teeNotifier(sandboxMail, smtp) : (smtp ?? sandboxMail ?? droppingNotifier(log)));
    // Webhooks: deliveries are queued in each event's transaction and sent by a worker of the engine loop.
    // Non-repudiation: Railyard signs the webhook bodies of merchants who ask (the sandbox signs with
    // a self-signed pair kept in the data dir, like its encryption pair).
    const signingFiles = config.trust?.signing ?? (config.mode === 'sandbox' ? await loadOrCreateSandboxSigning(config.dataDir) : undefined);
    const signer = signingFiles ? loadCredential(signingFiles.certificate, signingFiles.privateKey, { purpose: 'sign', now: new Date(clock.now()) }) : undefined;
    const signBody = signer
      ? async (merchantId: string, body: string): Promise<string | undefined> =>
          merchants.get(merchantId)?.nonRepudiation ? Buffer.from(await signDetached(Buffer.from(body, 'utf8'), signer)).toString('base64') : undefined
      : undefined;
    const webhooks = createWebhooks({
      store,
      vault,
      clock,
      log,
      ...(config.webhooks ? { allowPrivate: config.webhooks.allowPrivate } : {}),
      ...(signBody ? { worker: { signBody } } : {}),
    });
    queueWebhooks = webhooks.endpoints.queue;
    const sandboxHook = config.sandbox?.webhook;
    if (sandboxHook) {
      const endpoint = await webhooks.endpoints.ensure(config.merchants[0]?.id ?? SANDBOX_MERCHANT_ID, sandboxHook.url, sandboxHook.secret).catch((err: unknown) => {
        // e.g. a host name that does not resolve: say which setting, not only what is wrong
        throw err instanceof Error && err.name === 'WebhookEndpointError' ? new StartupError(`RAILYARD_SANDBOX_WEBHOOK_URL: ${err.message}`) : err;
      });
      log.info({ endpoint: endpoint.id }, 'sandbox webhook endpoint ready');
    }
    const eng = new Engine({
      store,
      clock,
      connectors,
      notifier,
      vault,
      merchants,
      log,
      policy: config.engine.policy,
      refundWindowDays: config.refundWindowDays,
      pollIntervalMs: config.engine.workerPollMs,
      shutdownGraceMs: config.engine.shutdownGraceMs,
      ...(config.engine.leaseMs !== undefined ? { leaseMs: config.engine.leaseMs } : {}),
      ...(trust.encryption
        ? {
            decryptMethod: encryptedMethodDecrypter({
              keys: trust.encryption,
              legacyCbcMerchants: new Set(config.trust?.legacyCbcMerchants),
              ...(config.trust?.encryptedFailureLimit ? { failureLimit: config.trust.encryptedFailureLimit } : {}),
              log,
              now: () => clock.now(),
            }),
          }
        : {}),
      onEvent: webhooks.endpoints.queue,
      workers: [webhooks.worker],
    });
    engine = eng;
    for (const e of early.splice(0)) deliver(e.connector, e.report);

    const app = createApp({
      engine: eng,
      store,
      merchants,
      connectors,
      log,
      clock,
      maxBodyBytes: config.server.maxBodyBytes,
      ...(trust.orderSignatures ? { orderSignatures: trust.orderSignatures } : {}),
      ...(trust.encryption ? { encryptionKeys: trust.encryption } : {}),
      ...(sandboxNotifier ? { sandbox: { notifier: sandboxNotifier } } : {}),
      webhooks: webhooks.endpoints,
    });
    if (options.startWorkers !== false) eng.start();
    const checkpoints = startAuditCheckpoints(config, store, signer, clock, log, options.startWorkers !== false);

    let closing: Promise<void> | null = null;
    const close = (): Promise<void> => (closing ??= (checkpoints?.stop(), shutdown(eng, started, store, log, simulators, inbox)));
    return {
      config,
      app,
      engine: eng,
      store,
      merchants,
      connectors,
      log,
      clock,
      ...(sandboxNotifier ? { sandboxNotifier } : {}),
      ...(simulators ? { simulators } : {}),
      close,
    };
  } catch (err) {
    await shutdown(engine, started, store, log, simulators, inbox);
    throw err;
  }
}

/**
 * Periodic signed checkpoints of every audit-chain head (src/trust/audit-checkpoint.ts). They are
 * signed with Railyard's signing key: without one (production with no security.signing) there is
 * nothing to sign with, which is said loudly at start; `railyard audit checkpoint` needs it too.
 */
function startAuditCheckpoints(config: RailyardConfig, store: Store, signer: Credential | undefined, clock: Clock, log: Logger, run: boolean): { stop(): void } | undefined {
  if (!run) return undefined;
  if (!signer) {
    log.warn('no security.signing configured: Railyard writes no signed audit checkpoints (a tail cut of a history then shows only against the head on the payment row)');
    return undefined;
  }
  return startCheckpointer({
    store,
    signer,
    dir: config.audit.checkpointDir,
    intervalMs: config.audit.checkpointIntervalMs,
    now: () => new Date(clock.now()),
    onError: (err) => log.error({ err }, 'audit checkpoint failed'),
    onWritten: (path, heads) => log.info({ path, heads }, 'audit checkpoint written'),
  });
}

async function shutdown(engine: Engine | null, connectors: Connector[], store: Store, log: Logger, simulators?: SandboxSimulators, inbox?: SmtpSandboxInbox): Promise<void> {
  const step = async (what: string, fn: () => Promise<void> | undefined): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      // Keep going: a connector that fails to stop must not keep the store open.
      log.error({ err }, `shutdown: ${what} failed`);
    }
  };
  if (engine) await step('engine', () => engine.stop());
  for (const c of [...connectors].reverse()) await step(`connector ${c.id}`, () => c.stop?.());
  // The banks go after the connectors, so no connector meets a closed simulator while it stops.
  if (simulators) await step('simulators', () => simulators.close());
  // after the engine: no notification is on its way to the capture server any more
  if (inbox) await step('sandbox mail', () => inbox.close());
  await step('store', () => store.close());
}

/** Builds the Railyard and listens on `config.server`; port 0 picks a free port. */
export async function startRailyard(config: RailyardConfig, options: RailyardOptions = {}): Promise<RunningRailyard> {
  const railyard = await createRailyard(config, options);
  const { host, port } = config.server;
  let server: Server;
  try {
    server = await listen(railyard.app.fetch, host, port);
  } catch (err) {
    await railyard.close();
    throw err;
  }
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${displayHost(host)}:${actualPort}`;
  // Only now is the inbound URL known: from here the simulated bank pushes its status reports.
  railyard.simulators?.setRailyardUrl(url);
  railyard.log.info({ url, mode: config.mode }, 'railyard listening');
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      railyard.app.setStopping(true); // /readyz turns false while requests drain
      await closeServer(server, config.engine.shutdownGraceMs);
      await railyard.close();
      railyard.log.info('railyard stopped');
    })());
  return { url, host, port: actualPort, railyard, stop };
}

function listen(fetch: RailyardApp['fetch'], host: string, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new StartupError(`cannot listen on ${host}:${port}: ${why}`));
    };
    // createServer from node:http is serve()'s default, so the result is an http.Server.
    const server = serve({ fetch, port, hostname: host }, () => {
      server.off('error', onError);
      resolve(server);
    }) as Server;
    server.once('error', onError);
  });
}

/**
 * `server.close()` stops accepting and waits for open connections, but a keep-alive connection
 * stays open after its last response: reap idle ones as they appear, and after `graceMs` close
 * whatever is left so a stuck client cannot hold the shutdown forever.
 */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const reap = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => server.closeAllConnections(), Math.max(graceMs, 1_000));
    server.close(() => {
      clearInterval(reap);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
