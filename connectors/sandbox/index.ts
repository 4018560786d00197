import { defineConnector, type Connector, type ConnectorEnv, type FlowContext, type FlowRequest } from '../../src/connector/types.js';
import { SandboxBank, type BankFlow, type SandboxBankOptions } from './bank.js';

export { SandboxBank, TEST_CARDS, TEST_IBANS } from './bank.js';

export interface SandboxConnector extends Connector {
  bank: SandboxBank;
}

/**
 * The `sandbox` connector: a whole bank in process. Cards take the card-host shape (verify,
 * separate authorisation, completion, reversal instead of inquiry); bank accounts take the
 * account-to-account shape (verify, credit transfer that may stay pending, status inquiry).
 */
export function createSandboxConnector(env: ConnectorEnv): SandboxConnector {
  const s = env.settings;
  const num = (key: string, fallback: number): number => (typeof s[key] === 'number' ? (s[key] as number) : fallback);
  const opts: SandboxBankOptions = {
    callTimeoutMs: num('callTimeoutMs', 3_000),
    lateByMs: num('lateByMs', 1_000),
    settleAfterMs: num('settleAfterMs', 5_000),
    latencyMs: num('latencyMs', 0),
    ...(typeof s.journalPath === 'string' ? { journalPath: s.journalPath } : {}),
  };
  const bank = new SandboxBank(env.clock, opts);
  bank.onReport((r) => env.report(r));
  const flow = (name: BankFlow) => (req: FlowRequest, ctx: FlowContext) => bank.handle(name, req, ctx.signal);
  const connector = defineConnector({
    id: typeof s.id === 'string' ? s.id : 'sandbox',
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
