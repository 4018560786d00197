import { defineConnector, type Connector, type ConnectorEnv, type FlowContext, type FlowRequest } from '../../src/connector/types.js';
import { SandboxBank, type BankFlow, type SandboxBankOptions } from './bank.js';
import { readSettings } from './settings.js';

export { SandboxBank, TEST_CARDS, TEST_IBANS } from './bank.js';
export { readSettings, settingsSchema, SandboxSettingsError, type SandboxSettings } from './settings.js';

export interface SandboxConnector extends Connector {
  bank: SandboxBank;
}

/**
 * The `sandbox` connector: a whole bank in process. Cards take the card-host shape (verify,
 * separate authorisation, completion, reversal instead of inquiry); bank accounts take the
 * account-to-account shape (verify, credit transfer that may stay pending, status inquiry).
 */
export function createSandboxConnector(env: ConnectorEnv): SandboxConnector {
  const s = readSettings(env.settings);
  const opts: SandboxBankOptions = {
    callTimeoutMs: s.callTimeoutMs,
    lateByMs: s.lateByMs,
    settleAfterMs: s.settleAfterMs,
    latencyMs: s.latencyMs,
    ...(s.journalPath !== undefined ? { journalPath: s.journalPath } : {}),
  };
  const bank = new SandboxBank(env.clock, opts);
  bank.onReport((r) => env.report(r));
  const flow = (name: BankFlow) => (req: FlowRequest, ctx: FlowContext) => bank.handle(name, req, ctx.signal);
  const connector = defineConnector({
    id: s.id,
    rail: 'sandbox',
    capabilities: {
      flows: ['verify', 'authorize', 'transfer', 'inquire', 'reverse', 'refund'],
      methods: {
        card: { verify: true, authorize: true, inquiry: false, transfer: 'sync' },
        bank_account: { verify: true, authorize: false, inquiry: true, transfer: 'async' },
      },
      currencies: ['*'],
      refunds: { partial: true, windowDays: 90 },
      callTimeoutMs: opts.callTimeoutMs,
    },
    flows: {
      verify: flow('verify'),
      authorize: flow('authorize'),
      transfer: flow('transfer'),
      inquire: flow('inquire'),
      reverse: flow('reverse'),
      refund: flow('refund'),
    },
  });
  return Object.assign(connector, { bank });
}
