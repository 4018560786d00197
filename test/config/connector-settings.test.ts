import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settingsFromFile } from '../../src/config/connector-settings.js';
import { parseSettings, settingsIssues } from '../../src/connector/settings.js';

const schema = z.strictObject({
  callTimeoutMs: z.number().int().positive().default(1_000),
  headers: z.record(z.string(), z.string()).optional(),
  endpoints: z.array(z.strictObject({ hostName: z.string(), portNumber: z.number() })).optional(),
  mac: z.union([z.literal(false), z.strictObject({ keyHex: z.string().regex(/^[0-9a-f]+$/, { error: 'must be hex' }) })]).optional(),
  protection: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('none') }), z.strictObject({ kind: z.literal('pgp'), keyFile: z.string() })]).optional(),
  profile: z.unknown().optional(),
});

describe('settings from a file (snake_case -> camelCase, led by the schema)', () => {
  it('maps names through objects, arrays, unions and open parts; record keys are data and stay as written', () => {
    const { settings, issues } = settingsFromFile(schema, {
      call_timeout_ms: 5,
      headers: { 'X-Api_Key': 'k', x_tenant: 't' },
      endpoints: [{ host_name: '127.0.0.1', port_number: 1 }],
      mac: { key_hex: 'ab' },
      protection: { kind: 'pgp', key_file: 'k.asc' },
      profile: { time_zone: 'UTC', nested: [{ every_ms: 100 }] },
    });
    expect(issues).toEqual([]);
    expect(settings).toEqual({
      callTimeoutMs: 5,
      headers: { 'X-Api_Key': 'k', x_tenant: 't' },
      endpoints: [{ hostName: '127.0.0.1', portNumber: 1 }],
      mac: { keyHex: 'ab' },
      protection: { kind: 'pgp', keyFile: 'k.asc' },
      profile: { timeZone: 'UTC', nested: [{ everyMs: 100 }] },
    });
  });

  it('names problems with the key path the file wrote', () => {
    const { issues } = settingsFromFile(schema, { call_timeout_ms: -1, endpoints: [{ host_name: 1, port_number: 2 }], mac: { key_hex: 'zz' }, protection: { kind: 'pgp' } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: ['call_timeout_ms'], message: expect.any(String) },
        { path: ['endpoints', 0, 'host_name'], message: expect.any(String) },
        { path: ['mac', 'key_hex'], message: 'must be hex' },
        { path: ['protection', 'key_file'], message: 'is required' },
      ]),
    );
    expect(issues).toHaveLength(4);
  });

  it('refuses camelCase and unknown keys in a file', () => {
    expect(settingsFromFile(schema, { callTimeoutMs: 5 }).issues).toEqual([{ path: ['callTimeoutMs'], message: 'write keys in snake_case (call_timeout_ms)' }]);
    expect(settingsFromFile(schema, { endpoints: [{ hostName: 'h', port_number: 1 }] }).issues).toEqual([{ path: ['endpoints', 0, 'hostName'], message: 'write keys in snake_case (host_name)' }]);
    expect(settingsFromFile(schema, { call_timeout: 5 }).issues).toEqual([{ path: ['call_timeout'], message: 'unknown key' }]);
  });
});

describe('parseSettings', () => {
  class MySettingsError extends Error {}
  it('returns the parsed settings, or the connector error listing every problem by path, never the value', () => {
    expect(parseSettings(schema, {}, (m) => new MySettingsError(m))).toEqual({ callTimeoutMs: 1_000 });
    const fail = () => parseSettings(schema, { callTimeoutMs: 'SECRET-VALUE', mac: { keyHex: 'zz' } }, (m) => new MySettingsError(m));
    expect(fail).toThrow(MySettingsError);
    expect(fail).toThrow(/^settings\.callTimeoutMs: .*; settings\.mac\.keyHex: must be hex$/);
    expect(fail).not.toThrow(/SECRET-VALUE/);
    expect(settingsIssues(schema, { callTimeoutMs: 2 })).toEqual([]);
  });
});
