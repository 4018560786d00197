/**
 * The sandbox on real rails: with `RAILYARD_SANDBOX_RAILS=simulators`, cards go over ISO 8583 to
 * mocks/iso8583-host through `demo-card`, bank accounts over ISO 20022 to mocks/iso20022-bank
 * through `demo-sepa` (or, with `"connector": "demo-batch"`, in pain.001 files over SFTP to
 * mocks/sftp-bank), the simulators running inside this process on free loopback ports. The
 * configuration (src/config.ts) names the connectors and routes; the server (src/server.ts)
 * starts the simulators before the connectors, fills in where they listen, tells the bank where
 * to push status reports once Railyard listens, and stops them after the connectors.
 *
 * The simulators journal their books in the data directory, so, like real banks, they outlive a
 * crash of Railyard and a restart meets the money where it was left.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Iso20022Bank } from '../mocks/iso20022-bank/index.js';
import type { Iso8583Host } from '../mocks/iso8583-host/index.js';
import type { SftpBank } from '../mocks/sftp-bank/index.js';
import type { MethodType } from './connector/types.js';

export type SandboxRails = 'inprocess' | 'simulators';
export const SANDBOX_RAILS: readonly SandboxRails[] = ['inprocess', 'simulators'];

export const SIM_CARD_CONNECTOR_ID = 'demo-card';
export const SIM_SEPA_CONNECTOR_ID = 'demo-sepa';
export const CARD_HOST_JOURNAL = 'iso8583-host.jsonl';
export const SEPA_BANK_JOURNAL = 'iso20022-bank.jsonl';
export const SIM_BATCH_CONNECTOR_ID = 'demo-batch';
export const BATCH_BANK_JOURNAL = 'sftp-bank.jsonl';
/** The SFTP bank's directories (in/, out/, archive/) live here, so its files outlive a restart too. */
export const BATCH_BANK_ROOT = 'sftp-bank';

/** The sandbox's collection account at the SFTP bank: its statements are about this account. */
const BATCH_ACCOUNT = { name: 'Sandbox Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX', currency: 'EUR' };

/** The same 3 s per bank call as the in-process sandbox: the engine's 5 s lease relies on it. */
const CALL_TIMEOUT_MS = 3_000;

/** A connector entry before the simulators listen: everything but where to reach them. */
interface SimConnector {
  id: string;
  type: string;
  settings: Record<string, unknown>;
}

/** The connector entries of the simulator sandbox (src/config.ts puts them in the configuration). */
export function simulatorConnectors(): SimConnector[] {
  return [
    {
      id: SIM_CARD_CONNECTOR_ID,
      type: 'demo-card',
      // No echo traffic (the host is in process) and quick reconnects, so a link is back at once.
      settings: { callTimeoutMs: CALL_TIMEOUT_MS, echoIntervalMs: 0, readyTimeoutMs: 5_000, reconnect: { initialMs: 50, maxMs: 1_000 } },
    },
    { id: SIM_SEPA_CONNECTOR_ID, type: 'demo-sepa', settings: { callTimeoutMs: CALL_TIMEOUT_MS } },
    {
      id: SIM_BATCH_CONNECTOR_ID,
      type: 'demo-batch',
      // A cut-off every 5 s and a quick poll, so a batch payment settles within seconds, not a day.
      settings: {
        callTimeoutMs: CALL_TIMEOUT_MS,
        profile: {
          bank: 'SIMBANK',
          account: BATCH_ACCOUNT,
          calendar: { everyMs: 5_000, timeZone: 'Europe/Berlin' },
          tickMs: 500,
          pollIntervalMs: 1_000,
          stableMs: 500,
          giveUpAfterMs: 30_000,
          // the SFTP bank moves what it read to archive/ (mocks/sftp-bank)
          directories: { takenFiles: 'moved', bankTakes: ['archive'] },
        },
      },
    },
  ];
}

export const simulatorRoutes = (): Partial<Record<MethodType, string>> => ({ card: SIM_CARD_CONNECTOR_ID, bank_account: SIM_SEPA_CONNECTOR_ID });

export interface SandboxSimulators {
  cardHost: Iso8583Host;
  bank: Iso20022Bank;
  sftpBank: SftpBank;
  /** The configured connector entries with the simulators' addresses added to their settings. */
  wire<C extends SimConnector>(connectors: readonly C[]): C[];
  /** Railyard's base URL, known once it listens: the bank pushes status reports to its inbound route. */
  setRailyardUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * Starts both simulators on free loopback ports with their journals in `dataDir`. The card host
 * answers the late-reply card a second after the call timeout (as the in-process sandbox does);
 * pending transfers settle after 5 s, also as there.
 */
export async function startSandboxSimulators(dataDir: string): Promise<SandboxSimulators> {
  // Loaded on demand (as `railyard mock` does): a server on other rails never loads the simulators.
  const [{ startIso8583Host }, { startIso20022Bank }, { startSftpBank, generateUserKey }] = await Promise.all([
    import('../mocks/iso8583-host/index.js'),
    import('../mocks/iso20022-bank/index.js'),
    import('../mocks/sftp-bank/index.js'),
  ]);
  const cardHost = await startIso8583Host({ port: 0, host: '127.0.0.1', dialect: 'demo-card', lateReplyMs: CALL_TIMEOUT_MS + 1_000, journalPath: join(dataDir, CARD_HOST_JOURNAL) });
  let bank: Iso20022Bank;
  try {
    // No callback yet: Railyard's port is only known after it listens (setRailyardUrl). Until
    // then a settled transfer is found by the engine's status inquiry instead of a push.
    bank = await startIso20022Bank({ port: 0, host: '127.0.0.1', settleAfterMs: 5_000, journalPath: join(dataDir, SEPA_BANK_JOURNAL) });
  } catch (err) {
    await cardHost.close();
    throw err;
  }
  // A fresh login key each start: the sandbox is the only customer, and it is told the key here.
  const login = generateUserKey('railyard-sandbox');
  let sftpBank: SftpBank;
  try {
    const root = join(dataDir, BATCH_BANK_ROOT);
    await mkdir(root, { recursive: true, mode: 0o700 });
    sftpBank = await startSftpBank({
      port: 0,
      root,
      users: [{ username: 'railyard', publicKey: login.public }],
      account: BATCH_ACCOUNT,
      journalPath: join(dataDir, BATCH_BANK_JOURNAL),
      autoProcessMs: 1_000,
      statementEveryMs: 15_000,
    });
  } catch (err) {
    await Promise.allSettled([cardHost.close(), bank.close()]);
    throw err;
  }
  return {
    cardHost,
    bank,
    sftpBank,
    wire: (connectors) =>
      connectors.map((c) => {
        if (c.id === SIM_CARD_CONNECTOR_ID) return { ...c, settings: { ...c.settings, host: '127.0.0.1', port: cardHost.port } };
        if (c.id === SIM_SEPA_CONNECTOR_ID) return { ...c, settings: { ...c.settings, baseUrl: bank.url } };
        if (c.id === SIM_BATCH_CONNECTOR_ID) {
          const sftp = { host: '127.0.0.1', port: sftpBank.port, username: 'railyard', privateKey: login.private, hostKeySha256: [sftpBank.hostKeySha256], renameMode: 'free-name' };
          return { ...c, settings: { ...c.settings, sftp } };
        }
        return c;
      }),
    setRailyardUrl: (url) => bank.setCallbackUrl(`${url}/v1/connectors/${SIM_SEPA_CONNECTOR_ID}/inbound`),
    close: async () => {
      await Promise.allSettled([cardHost.close(), bank.close(), sftpBank.stop()]);
    },
  };
}
