/**
 * The processes of one run: the banks (test/sim/banks-process.ts, never killed) and one or two
 * Railyard nodes (`node --import tsx src/main.ts`, production configuration from a generated YAML),
 * which the fault schedule SIGKILLs and restarts on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { DEMO_MAC, DEMO_MAC_KEY_NAME } from '../../mocks/iso8583-host/server.js';
import { freePort } from '../e2e/server-process.js';
import type { BanksOptions, BanksReady } from './banks-process.js';
import type { Prng } from './prng.js';

export const API_KEY_PREFIX = 'sk_sim_';
export const MERCHANT = 'mch_sim';

/** Engine timings short enough that every flow ends within seconds (as the sandbox's). */
export const TIMING = {
  callTimeoutMs: 2_000,
  /** The late card answers after the call timeout, so the engine has given up on it. */
  lateReplyMs: 3_000,
  // Long enough that a node restart (a few seconds on a busy machine) does not expire the code the customer holds.
  otpTtlMs: 15_000,
  settleAfterMs: 2_000,
  batchCutoffMs: 2_000,
};

export interface Banks {
  child: ChildProcess;
  ready: BanksReady;
  admin: string;
  /** The last words of the banks process (why it died, if it did). */
  tail(): string;
}

export async function startBanks(o: BanksOptions, children: ChildProcess[]): Promise<Banks> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/sim/banks-process.ts', JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  children.push(child);
  track(child);
  let tail = '';
  child.stderr?.on('data', (c: string) => (tail = (tail + c).slice(-4_000)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<BanksReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`banks did not start: ${tail}`)), 30_000);
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: BanksReady };
        if (msg.ready) {
          clearTimeout(timer);
          resolve(msg.ready);
        }
      } catch {
        // a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`banks exited with ${String(code)}: ${tail}`)));
  });
  return { child, ready, admin: `http://127.0.0.1:${ready.admin}`, tail: () => tail };
}

export interface ConfigInput {
  dir: string;
  banks: BanksReady;
  apiKey: string;
  databaseUrl?: string;
  rng: Prng;
  /** The run's audit key (hex, 32 bytes): the invariants verify the history chains with it. */
  auditKeyHex: string;
}

/**
 * Configuration files spell every key in snake_case (src/config/connector-settings.ts maps them to
 * the connectors' names); the values of `mac_keys` are named by data and kept as written.
 */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => {
      const key = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      return [key, key === 'mac_keys' ? x : snakeKeys(x)];
    }),
  );
}

/** A production configuration file for this run (docs/configuration.md); returns its path. */
export function writeConfig(c: ConfigInput): string {
  const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
  const config = {
    server: { host: '127.0.0.1' },
    ...(c.databaseUrl ? { database: { url: c.databaseUrl } } : {}),
    data_dir: join(c.dir, 'railyard'),
    security: {
      data_keys: [{ id: 'ksim', key_base64: b64(c.rng.hex(32)) }],
      active_data_key: 'ksim',
      mac_key_base64: b64(c.rng.hex(32)),
      audit_keys: [{ id: 'asim', key_base64: b64(c.auditKeyHex) }],
    },
    engine: {
      otp_ttl_ms: TIMING.otpTtlMs,
      otp_max_attempts: 3,
      otp_max_sends: 3,
      retry: { max_attempts: 5, base_delay_ms: 300, max_delay_ms: 2_000 },
      poll_interval_ms: 1_000,
      pending_max_ms: 60_000,
      worker_poll_ms: 100,
      shutdown_grace_ms: 1_000,
      lease_ms: 4_000,
    },
    merchants: [{ id: MERCHANT, name: 'Sim Shop', api_keys: [{ key: c.apiKey }], allow_no_confirmation: true, routes: { card: 'demo-card', bank_account: 'demo-sepa' } }],
    connectors: [
      {
        id: 'demo-card',
        type: 'demo-card',
        settings: {
          host: '127.0.0.1',
          port: c.banks.cardPort,
          callTimeoutMs: TIMING.callTimeoutMs,
          echoIntervalMs: 0,
          readyTimeoutMs: 5_000,
          reconnect: { initialMs: 50, maxMs: 500 },
          // the card host simulator's published test key; production has no fallback key
          macKeys: { [DEMO_MAC_KEY_NAME]: DEMO_MAC.keyHex },
        },
      },
      { id: 'demo-sepa', type: 'demo-sepa', settings: { baseUrl: c.banks.sepaUrl, callTimeoutMs: TIMING.callTimeoutMs, bankCertificates: [c.banks.sepaCertificatePath] } },
      {
        id: 'demo-batch',
        type: 'demo-batch',
        settings: {
          callTimeoutMs: TIMING.callTimeoutMs,
          sftp: { host: '127.0.0.1', port: c.banks.sftpPort, username: 'railyard', privateKey: c.banks.sftpPrivateKey, hostKeySha256: [c.banks.sftpHostKeySha256], renameMode: 'free-name' },
          profile: {
            bank: 'SIMBANK',
            account: { name: 'Sim Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX', currency: 'EUR' },
            calendar: { everyMs: TIMING.batchCutoffMs, timeZone: 'Europe/Berlin' },
            tickMs: 300,
            pollIntervalMs: 500,
            stableMs: 300,
            giveUpAfterMs: 30_000,
          },
        },
      },
    ],
    // the capture server on loopback speaks plain SMTP (production requires TLS by default)
    notifications: { smtp: { host: '127.0.0.1', port: c.banks.smtpPort, from: 'sim@railyard.test', require_tls: false } },
  };
  const path = join(c.dir, 'railyard.yaml');
  writeFileSync(path, stringify({ ...config, connectors: config.connectors.map((k) => ({ ...k, settings: snakeKeys(k.settings) })) }), { mode: 0o600 });
  return path;
}

/** One Railyard node: its port stays the same across restarts, so clients and the bank's pushes find it again. */
export class Node {
  child: ChildProcess | undefined;
  readonly base: string;
  restarts = 0;
  private tail = '';
  /** The node's environment (RAILYARD_CONFIG), set once the configuration is written. */
  env: Record<string, string> = {};
  /** Where the node's stdout log goes (all its lives appended). */
  logPath: string | undefined;
  /** Each start gets its own store-fault seed, so a restart does not replay the same failures. */
  constructor(
    readonly index: number,
    readonly port: number,
    private readonly children: ChildProcess[],
    private readonly storeFaults: ((generation: number) => string) | undefined,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  static async create(index: number, children: ChildProcess[], storeFaults?: (generation: number) => string): Promise<Node> {
    return new Node(index, await freePort(), children, storeFaults);
  }

  async start(): Promise<void> {
    const faults = this.storeFaults?.(this.restarts);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, LOG_LEVEL: 'error', ...this.env, PORT: String(this.port), ...(faults ? { RAILYARD_SIM_STORE_FAULTS: faults } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    track(child);
    this.child = child;
    // The node's own log (pino, errors only), kept in the run's directory for a look with --keep.
    if (this.logPath) child.stdout?.pipe(createWriteStream(this.logPath, { flags: 'a' }));
    else child.stdout?.resume();
    child.stderr?.on('data', (c: Buffer) => (this.tail = (this.tail + c.toString('utf8')).slice(-4_000)));
    const end = Date.now() + 40_000;
    while (Date.now() < end && child.exitCode === null) {
      try {
        if ((await fetch(`${this.base}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`node ${this.index} did not become healthy (exit ${String(child.exitCode)}): ${this.tail}`);
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.restarts++;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(timer);
  }

  get stderrTail(): string {
    return this.tail;
  }
}

/** Every child this simulator started, so an interrupted run leaves nothing behind. */
const started = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  started.add(child);
  child.once('exit', () => started.delete(child));
}

/** SIGKILL whatever of these is still running (the simulator's own children only, by pid). */
export function killAll(children: Iterable<ChildProcess> = started): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
