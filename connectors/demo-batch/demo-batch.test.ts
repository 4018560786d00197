import { afterAll, beforeAll } from 'vitest';
import { generateUserKey, startSftpBank, type SftpBank } from '../../mocks/sftp-bank/index.js';
import { SftpTransport, TransportError, type FileTransport } from '../../src/batch/transport/index.js';
import { fromBankId, toBankId } from '../../src/connector/bank-id.js';
import { runConnectorConformance, type ConformanceBank } from '../../src/connector/testing.js';
import { TEST_IBANS } from '../../src/connector/test-values.js';
import type { ConnectorEnv } from '../../src/connector/types.js';
import { demoBatchConnector, readSettings, type DemoBatchConnector } from './index.js';
import { xsdGateOffWithoutSharedXsd } from '../../test/support/shared-reference.js';

// Files are built (and read by the bank simulator) through the XSD gate where the official schemas
// are present; a clone alone runs the same flows with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/**
 * demo-batch against the SFTP bank simulator over real SSH: transfers queue, leave in pain.001
 * files at cut-offs every 200 ms, and settle when the simulator's pain.002 comes back. The engine
 * asks (inquires) while a transfer is pending and gives up to manual review after 6 s.
 */

const ACCOUNT = { name: 'Railyard Demo Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX', currency: 'EUR' };
const user = generateUserKey('railyard-test');
let sim: SftpBank;

beforeAll(async () => {
  sim = await startSftpBank({ port: 0, users: [{ username: 'railyard', publicKey: user.public }], account: ACCOUNT, autoProcessMs: 100 });
});
afterAll(async () => {
  await sim.stop();
});

const settingsFor = (id: string) =>
  readSettings({
    id,
    callTimeoutMs: 2_000,
    sftp: {
      host: '127.0.0.1',
      port: sim.port,
      username: 'railyard',
      privateKey: user.private,
      hostKeySha256: [sim.hostKeySha256],
      renameMode: 'free-name',
      timeouts: { connectMs: 2_000, operationMs: 5_000, endMs: 1_000 },
    },
    profile: {
      bank: 'SIMBANK',
      account: ACCOUNT,
      calendar: { everyMs: 200 },
      tickMs: 50,
      pollIntervalMs: 50,
      stableMs: 0,
      malformedRetries: 1,
      giveUpAfterMs: 1_500,
    },
  });

/** The transport with a switch that makes the bank unreachable, as a network outage would. */
class Outage implements FileTransport {
  down = false;
  constructor(private readonly inner: FileTransport) {}
  private gate(): void {
    if (this.down) throw new TransportError({ kind: 'connection', op: 'connect', detail: 'connection refused (test outage)' });
  }
  list: FileTransport['list'] = async (...a) => (this.gate(), this.inner.list(...a));
  stat: FileTransport['stat'] = async (...a) => (this.gate(), this.inner.stat(...a));
  upload: FileTransport['upload'] = async (...a) => (this.gate(), this.inner.upload(...a));
  download: FileTransport['download'] = async (...a) => (this.gate(), this.inner.download(...a));
  move: FileTransport['move'] = async (...a) => (this.gate(), this.inner.move(...a));
  remove: FileTransport['remove'] = async (...a) => (this.gate(), this.inner.remove(...a));
  close: FileTransport['close'] = () => this.inner.close();
}

let outage: Outage | null = null;

runConnectorConformance<DemoBatchConnector>({
  name: 'demo-batch',
  realTime: true,
  policy: { pollIntervalMs: 300, pendingMaxMs: 6_000, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 } },
  newConnector: (env: ConnectorEnv) => {
    const settings = settingsFor('demo-batch');
    outage = new Outage(new SftpTransport(settings.sftp, { clock: env.clock }));
    return demoBatchConnector(env, outage, settings);
  },
  bank: (): ConformanceBank => ({
    currency: 'EUR',
    methods: {
      approved: { type: 'bank_account', bank_account: { iban: 'DE89370400440532013000', name: 'Max Mustermann' } },
      declinedAtTransfer: { type: 'bank_account', bank_account: { iban: TEST_IBANS.rejectedAC01, name: 'Erika Musterfrau' } },
    },
    inject: (fault) => {
      if (fault === 'unreachable') {
        if (outage) outage.down = true;
        return;
      }
      if (fault === 'bad_integrity') throw new Error('the batch rail has no per-reply integrity check to break (skipped with its reason)');
      if (fault === 'late_reply') sim.inject({ kind: 'late_reply', delayMs: 1_500 });
      else sim.inject({ kind: fault });
    },
    executed: (paymentId) =>
      [...sim.ledger.transactions.values()]
        .filter((t) => t.instructionId === toBankId(paymentId))
        .map((t) => ({ flow: 'transfer' as const, reference: fromBankId(t.endToEndId), ok: t.status === 'ACSC', reversed: t.returned, received: t.received })),
  }),
  skip: [
    { reason: 'a file channel cannot verify accounts before the transfer', tests: ['decline at verify', 'bad integrity at verify'] },
    {
      // Files are authenticated as a whole (the SFTP host key, the file's own checks), not per reply:
      // there is no per-reply MAC or signature whose failure could be injected on one flow.
      reason: 'the batch file rail has no per-reply integrity check',
      tests: ['bad integrity at authorize or transfer', 'bad integrity at refund', 'bad integrity at inquiry', 'bad integrity at reverse'],
    },
  ],
});
