/** The demo-card connector's settings (the `settings` block of its configuration entry), checked at build time. */
import type { ConnectionOptions } from 'node:tls';
import type { MacConfig } from '../../src/iso8583/mac.js';
import type { Endpoint, LengthHeader } from '../../src/iso8583/link/index.js';

/** The demo network's published test key (retail MAC, K1||K2); a real bank's key comes from configuration. */
export const DEMO_NETWORK_MAC: MacConfig = { algorithm: 'retail-3des', keyHex: '0123456789ABCDEFFEDCBA9876543210' };
/** The name the demo-card dialect gives that key (`mac.key`). */
export const DEMO_NETWORK_KEY_NAME = 'demo-network';

export interface DemoCardSettings {
  id: string;
  endpoints: Endpoint[];
  dialect: string;
  header: LengthHeader;
  tpdu: boolean;
  tls?: ConnectionOptions;
  terminalId: string;
  acquirerId: string;
  callTimeoutMs: number;
  echoIntervalMs: number;
  readyTimeoutMs: number;
  reconnect: { initialMs: number; maxMs: number };
  /** `false`: no MAC. Undefined: the dialect's MAC spec with the key from `macKeys` (or the demo key). */
  mac: MacConfig | false | undefined;
  /** MAC keys by the name a dialect's `mac.key` gives them (hex). */
  macKeys: Record<string, string>;
  /** `dual` (default): 0100 then 0220. `single`: one 0200 financial request, no separate authorisation. */
  messageMode: 'dual' | 'single';
  /** The host answers 0800 status inquiries (see README): unknown outcomes are asked about, not reversed. */
  inquiry: boolean;
  /** Host profile: repeats carry a fresh DE7 (else the original's). */
  repeatRefreshesTransmissionTime: boolean;
  /** Host store-and-forward policy for reversals (see ConnectorCapabilities.reversal). */
  reversal: { maxAttempts?: number; maxAgeMs?: number; declinedRepeats?: number };
}

export class DemoCardSettingsError extends Error {
  override readonly name = 'DemoCardSettingsError';
}

const HEADERS: readonly LengthHeader[] = ['binary2', 'ascii4', 'bcd2', 'binary4'];

export function readSettings(s: Record<string, unknown>): DemoCardSettings {
  const num = (k: string, d: number): number => {
    const v = s[k];
    if (v === undefined) return d;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new DemoCardSettingsError(`settings.${k} must be a non-negative number`);
    return v;
  };
  const text = (k: string, d: string): string => {
    const v = s[k];
    if (v === undefined) return d;
    if (typeof v !== 'string' || v === '') throw new DemoCardSettingsError(`settings.${k} must be a non-empty string`);
    return v;
  };
  const endpoints: Endpoint[] = [];
  if (Array.isArray(s.endpoints)) {
    s.endpoints.forEach((e: unknown, i) => {
      const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      if (typeof o.port !== 'number') throw new DemoCardSettingsError(`settings.endpoints.${i}.port must be a number`);
      endpoints.push({ host: typeof o.host === 'string' ? o.host : '127.0.0.1', port: o.port });
    });
  } else {
    if (typeof s.port !== 'number') throw new DemoCardSettingsError('settings.port (or settings.endpoints) is required');
    endpoints.push({ host: text('host', '127.0.0.1'), port: s.port });
  }
  const header = text('header', 'binary2') as LengthHeader;
  if (!HEADERS.includes(header)) throw new DemoCardSettingsError(`settings.header must be one of ${HEADERS.join(', ')}`);
  const terminalId = text('terminalId', 'RLYD0001');
  if (terminalId.length > 8) throw new DemoCardSettingsError('settings.terminalId must be at most 8 characters');
  const acquirerId = text('acquirerId', '470011');
  if (!/^[0-9]{1,11}$/.test(acquirerId)) throw new DemoCardSettingsError('settings.acquirerId must be 1 to 11 digits');
  let mac: MacConfig | false | undefined;
  if (s.mac === false) mac = false;
  else if (s.mac !== undefined) {
    const m = (typeof s.mac === 'object' && s.mac !== null ? s.mac : {}) as Record<string, unknown>;
    if (m.algorithm !== 'retail-3des' && m.algorithm !== 'aes-cmac') throw new DemoCardSettingsError('settings.mac.algorithm must be retail-3des or aes-cmac');
    if (typeof m.keyHex !== 'string') throw new DemoCardSettingsError('settings.mac.keyHex must be a hex string');
    mac = { algorithm: m.algorithm, keyHex: m.keyHex };
  }
  const macKeys: Record<string, string> = {};
  if (s.macKeys !== undefined) {
    if (typeof s.macKeys !== 'object' || s.macKeys === null) throw new DemoCardSettingsError('settings.macKeys must map key names to hex keys');
    for (const [name, v] of Object.entries(s.macKeys)) {
      if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(v)) throw new DemoCardSettingsError(`settings.macKeys.${name} must be a hex string`);
      macKeys[name] = v;
    }
  }
  const messageMode = text('messageMode', 'dual');
  if (messageMode !== 'dual' && messageMode !== 'single') throw new DemoCardSettingsError('settings.messageMode must be dual or single');
  if (s.inquiry !== undefined && typeof s.inquiry !== 'boolean') throw new DemoCardSettingsError('settings.inquiry must be true or false');
  if (s.repeatRefreshesTransmissionTime !== undefined && typeof s.repeatRefreshesTransmissionTime !== 'boolean') {
    throw new DemoCardSettingsError('settings.repeatRefreshesTransmissionTime must be true or false');
  }
  const reversal: DemoCardSettings['reversal'] = {};
  if (s.reversal !== undefined) {
    if (typeof s.reversal !== 'object' || s.reversal === null) throw new DemoCardSettingsError('settings.reversal must be an object');
    const rv = s.reversal as Record<string, unknown>;
    for (const k of ['maxAttempts', 'maxAgeMs', 'declinedRepeats'] as const) {
      const v = rv[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || (k === 'maxAttempts' && v < 1)) {
        throw new DemoCardSettingsError(`settings.reversal.${k} must be a ${k === 'maxAttempts' ? 'positive' : 'non-negative'} integer`);
      }
      reversal[k] = v;
    }
  }
  const r = (typeof s.reconnect === 'object' && s.reconnect !== null ? s.reconnect : {}) as Record<string, unknown>;
  return {
    id: text('id', 'demo-card'),
    endpoints,
    dialect: text('dialect', 'demo-card'),
    header,
    tpdu: s.tpdu === true,
    ...(typeof s.tls === 'object' && s.tls !== null ? { tls: s.tls as ConnectionOptions } : {}),
    terminalId,
    acquirerId,
    callTimeoutMs: num('callTimeoutMs', 10_000) || 10_000,
    echoIntervalMs: num('echoIntervalMs', 30_000),
    readyTimeoutMs: num('readyTimeoutMs', 5_000),
    reconnect: {
      initialMs: typeof r.initialMs === 'number' ? r.initialMs : 250,
      maxMs: typeof r.maxMs === 'number' ? r.maxMs : 10_000,
    },
    mac,
    macKeys,
    messageMode,
    inquiry: s.inquiry === true,
    repeatRefreshesTransmissionTime: s.repeatRefreshesTransmissionTime === true,
    reversal,
  };
}
