/** The demo-card connector's settings (the `settings` block of its configuration entry), checked at build time. */
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { parseSettings } from '../../src/connector/settings.js';
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

const HEADERS = ['binary2', 'ascii4', 'bcd2', 'binary4'] as const satisfies readonly LengthHeader[];
const hex = z.string().regex(/^([0-9a-fA-F]{2})+$/, { error: 'must be a hex string' });
const port = z.number().int().min(1).max(65535);
const ms = z.number().int().min(0);

/**
 * The settings block, checked key by key: a wrong type or value is refused with its key path at
 * load (src/config.ts) and again when the factory builds the connector, never replaced by a default.
 */
export const settingsSchema = z
  .strictObject({
    id: z.string().min(1).default('demo-card'),
    /** One host (`host`, `port`) or several in order of preference (`endpoints`). */
    host: z.string().min(1).default('127.0.0.1'),
    port: port.optional(),
    endpoints: z.array(z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port })).min(1).optional(),
    dialect: z.string().min(1).default('demo-card'),
    header: z.enum(HEADERS, { error: `must be one of ${HEADERS.join(', ')}` }).default('binary2'),
    tpdu: z.boolean().default(false),
    /** Node's TLS options for the link (certificate paths, servername), passed through. */
    tls: z.record(z.string(), z.unknown()).optional(),
    terminalId: z.string().min(1).max(8, { error: 'must be at most 8 characters' }).default('RLYD0001'),
    acquirerId: z.string().regex(/^[0-9]{1,11}$/, { error: 'must be 1 to 11 digits' }).default('470011'),
    callTimeoutMs: z.number().int().positive().default(10_000),
    echoIntervalMs: ms.default(30_000),
    readyTimeoutMs: ms.default(5_000),
    reconnect: z.strictObject({ initialMs: ms.default(250), maxMs: ms.default(10_000) }).prefault({}),
    mac: z.union([z.literal(false), z.strictObject({ algorithm: z.enum(['retail-3des', 'aes-cmac'], { error: 'must be retail-3des or aes-cmac' }), keyHex: hex })]).optional(),
    /** MAC keys by the name a dialect's `mac.key` gives them; the names are the dialect's, kept as written. */
    macKeys: z.record(z.string(), hex).default({}),
    messageMode: z.enum(['dual', 'single'], { error: 'must be dual or single' }).default('dual'),
    inquiry: z.boolean({ error: 'must be true or false' }).default(false),
    /** Host profile: a repeat (0401, 0421, 0101, 0221, 0201) carries a fresh DE7 instead of the original's. */
    repeatRefreshesTransmissionTime: z.boolean({ error: 'must be true or false' }).default(false),
    /** Host store-and-forward policy for reversals (see ConnectorCapabilities.reversal). */
    reversal: z
      .strictObject({
        maxAttempts: z.number().int().min(1).optional(),
        maxAgeMs: ms.optional(),
        declinedRepeats: ms.optional(),
      })
      .default({}),
  })
  .refine((s) => s.port !== undefined || s.endpoints !== undefined, { path: ['port'], error: 'is required (or endpoints)' });

export function readSettings(input: Record<string, unknown>): DemoCardSettings {
  const s = parseSettings(settingsSchema, input, (message) => new DemoCardSettingsError(`demo-card ${message}`));
  return {
    id: s.id,
    endpoints: s.endpoints ?? [{ host: s.host, port: s.port ?? 0 }],
    dialect: s.dialect,
    header: s.header,
    tpdu: s.tpdu,
    ...(s.tls ? { tls: s.tls as ConnectionOptions } : {}),
    terminalId: s.terminalId,
    acquirerId: s.acquirerId,
    callTimeoutMs: s.callTimeoutMs,
    echoIntervalMs: s.echoIntervalMs,
    readyTimeoutMs: s.readyTimeoutMs,
    reconnect: s.reconnect,
    mac: s.mac,
    macKeys: s.macKeys,
    messageMode: s.messageMode,
    inquiry: s.inquiry,
    repeatRefreshesTransmissionTime: s.repeatRefreshesTransmissionTime,
    reversal: {
      ...(s.reversal.maxAttempts !== undefined ? { maxAttempts: s.reversal.maxAttempts } : {}),
      ...(s.reversal.maxAgeMs !== undefined ? { maxAgeMs: s.reversal.maxAgeMs } : {}),
      ...(s.reversal.declinedRepeats !== undefined ? { declinedRepeats: s.reversal.declinedRepeats } : {}),
    },
  };
}
