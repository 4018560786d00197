import { unknown, type Outcome } from '../../src/connector/outcome.js';
import { defineConnector, type Connector, type ConnectorEnv, type FlowRequest } from '../../src/connector/types.js';
import { BatchRail } from '../../src/batch/rail.js';
import { SftpTransport, withRetry, type FileTransport } from '../../src/batch/transport/index.js';
import { readSettings, type DemoBatchSettings } from './settings.js';

export { readSettings, settingsSchema, DemoBatchSettingsError, type DemoBatchSettings } from './settings.js';

export interface DemoBatchConnector extends Connector {
  batch: BatchRail;
  settings: DemoBatchSettings;
}

/** The registry's factory: SFTP (with retries) to the bank named in the settings. */
export function createDemoBatchConnector(env: ConnectorEnv): DemoBatchConnector {
  const settings = readSettings(env.settings);
  const transport = withRetry(new SftpTransport(settings.sftp, { clock: env.clock }), { ...settings.retry, clock: env.clock });
  return demoBatchConnector(env, transport, settings);
}

/**
 * `demo-batch`: bank-account payments as pain.001 credit transfers in files on the bank's SFTP
 * server. A transfer joins the queue of its cut-off and stays pending (capabilities say `async`)
 * until the bank's pain.002 settles it; refunds travel the same way in the other direction;
 * camt.053/054 statements and pacs.004 returns are reconciled. There is no account verification
 * on a file channel, and no reversal: nothing is sent before the cut-off, and after it only the
 * bank's status report decides.
 */
export function demoBatchConnector(env: ConnectorEnv, transport: FileTransport, settings: DemoBatchSettings = readSettings(env.settings)): DemoBatchConnector {
  if (!env.store) throw new Error('demo-batch keeps its queue and file ledger in the engine store: the engine must pass `store`');
  const rail = new BatchRail({
    connector: settings.id,
    store: env.store,
    profile: settings.profile,
    transport,
    clock: env.clock,
    report: (r) => env.report(r),
    protection: settings.protection,
    ...(env.publish ? { publish: env.publish } : {}),
  });

  /** Local writes only, so a failure here is ours: say so as unknown (the engine inquires), never as success. */
  const guarded = async (fn: () => Promise<Outcome>): Promise<Outcome> => {
    try {
      return await fn();
    } catch (err) {
      return unknown(true, `batch queue unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const def = defineConnector({
    id: settings.id,
    rail: 'batch',
    capabilities: {
      flows: ['transfer', 'inquire', 'refund'],
      methods: { bank_account: { verify: false, authorize: false, inquiry: true, transfer: 'async' } },
      currencies: settings.currencies,
      refunds: { partial: true, windowDays: settings.refundWindowDays },
      callTimeoutMs: settings.callTimeoutMs,
    },
    flows: {
      transfer: (req: FlowRequest) => guarded(() => rail.enqueue(req, 'transfer')),
      refund: (req: FlowRequest) => guarded(() => rail.enqueue(req, 'refund')),
      inquire: (req: FlowRequest) =>
        guarded(async () => (req.original ? rail.inquire(req.original.reference) : unknown(false, 'an inquiry needs the reference it is about'))),
    },
    start: async () => rail.start(),
    stop: () => rail.stop(),
    health: async () => rail.health(),
  });
  return Object.assign(def, { batch: rail, settings });
}
