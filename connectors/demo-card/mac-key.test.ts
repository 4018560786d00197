import { describe, expect, it } from 'vitest';
import { JumpableClock } from '../../src/domain/clock.js';
import { createDemoCardConnector, DEMO_NETWORK_MAC } from './index.js';

// No connection is made: building the connector is where settings and keys are checked.
const build = (mode: 'sandbox' | 'production' | undefined, extra: Record<string, unknown> = {}) => () =>
  createDemoCardConnector({ clock: new JumpableClock(), settings: { id: 'card-bank', host: '127.0.0.1', port: 9, ...extra }, report: () => undefined, ...(mode ? { mode } : {}) });

describe('demo-card MAC keys', () => {
  it('outside the sandbox there is no fallback to the published demo key: the start is refused naming the key', () => {
    expect(build('production')).toThrow(/settings\.macKeys\.demo-network: the MAC key "demo-network" is required outside the sandbox/);
    // absent mode counts as outside the sandbox
    expect(build(undefined)).toThrow(/settings\.macKeys\.demo-network/);
  });

  it('a configured key, an explicit MAC or an explicit "no MAC" starts; the sandbox may use the demo key', () => {
    expect(build('production', { macKeys: { 'demo-network': 'FEDCBA98765432100123456789ABCDEF' } })).not.toThrow();
    expect(build('production', { mac: { algorithm: 'retail-3des', keyHex: 'FEDCBA98765432100123456789ABCDEF' } })).not.toThrow();
    expect(build('production', { mac: false })).not.toThrow();
    expect(build('sandbox')).not.toThrow();
    expect(DEMO_NETWORK_MAC.keyHex).toHaveLength(32);
  });
});
