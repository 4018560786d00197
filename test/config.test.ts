import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  ConfigError,
  SANDBOX_KEYS_FILE,
  loadConfig,
  loadConfigFile,
  parseConfigText,
  resolveConfig,
  sandboxConfig,
} from '../src/config.js';
import { hashApiKey } from '../src/engine/merchants.js';
import { connectorRegistry } from '../connectors/registry.js';
import { settingsIssues } from '../src/connector/settings.js';
import { readSettings as readCardSettings } from '../connectors/demo-card/index.js';
import { readSettings as readSepaSettings } from '../connectors/demo-sepa/index.js';

const b64 = (n = 32): string => randomBytes(n).toString('base64');
const KEY_A = 'sk_live_aaaaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'sk_live_bbbbbbbbbbbbbbbbbbbbbbbb';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'railyard-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A minimal valid file; tests change one thing at a time. */
const validFile = (): Record<string, unknown> => ({
  server: { host: '0.0.0.0', port: 9090 },
  data_dir: 'state',
  security: {
    data_keys: [
      { id: 'k1', key_base64: b64() },
      { id: 'k2', key_base64: b64() },
    ],
    active_data_key: 'k2',
    mac_key_base64: b64(),
    audit_keys: [{ id: 'au1', key_base64: b64() }],
  },
  engine: { otp_ttl_ms: 120_000, retry: { base_delay_ms: 500 } },
  refund_window_days: 60,
  merchants: [
    {
      id: 'mch_acme',
      name: 'Acme',
      api_keys: [{ sha256: hashApiKey(KEY_A).toUpperCase() }, { key: KEY_B }],
      allow_no_confirmation: true,
      routes: { card: 'bank-a' },
      refund_window_days: 30,
    },
  ],
  connectors: [{ id: 'bank-a', type: 'sandbox', settings: { call_timeout_ms: 2_000 } }],
});

/** The issues of a ConfigError thrown by `fn`. */
const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

const resolveWith = (mutate: (f: Record<string, any>) => void, env: Record<string, string> = {}) => {
  const f = validFile();
  mutate(f);
  return () => resolveConfig(f, { env, baseDir: '/etc/railyard' });
};

describe('configuration file', () => {
  it('resolves a valid YAML file with defaults and relative paths against the file', () => {
    const dir = tempDir();
    const path = join(dir, 'railyard.yaml');
    writeFileSync(path, stringify(validFile()));
    const c = loadConfigFile(path, { env: {} });
    expect(c.mode).toBe('production');
    expect(c.server).toEqual({ host: '0.0.0.0', port: 9090, maxBodyBytes: 1_048_576 });
    expect(c.dataDir).toBe(join(dir, 'state'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.security.activeKeyId).toBe('k2');
    expect(c.security.dataKeys.map((k) => [k.id, k.key.length])).toEqual([
      ['k1', 32],
      ['k2', 32],
    ]);
    expect(c.engine.policy.otpTtlMs).toBe(120_000);
    expect(c.engine.policy.retry).toEqual({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 });
    expect(c.refundWindowDays).toBe(60);
    expect(c.merchants).toEqual([
      {
        id: 'mch_acme',
        name: 'Acme',
        apiKeyHashes: [hashApiKey(KEY_A), hashApiKey(KEY_B)],
        allowNoConfirmation: true,
        routes: { card: 'bank-a' },
        refundWindowDays: 30,
      },
    ]);
    expect(c.connectors).toEqual([{ id: 'bank-a', type: 'sandbox', settings: { callTimeoutMs: 2_000 } }]);
    expect(c.sandbox).toBeUndefined();
  });

  it('reads JSON by extension and refuses unknown extensions', () => {
    const dir = tempDir();
    const json = join(dir, 'railyard.json');
    writeFileSync(json, JSON.stringify(validFile()));
    expect(loadConfigFile(json, { env: {} }).merchants[0]?.id).toBe('mch_acme');
    expect(() => parseConfigText('railyard.toml', 'a = 1')).toThrow(/unsupported file extension ".toml"/);
  });

  it('reports a syntax error with the file name and no file content', () => {
    const dir = tempDir();
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'server:\n  port: [1,\n');
    expect(() => loadConfigFile(path, { env: {} })).toThrow(ConfigError);
    expect(() => loadConfigFile(path, { env: {} })).toThrow(/broken\.yaml: cannot parse YAML/);
  });

  it('resolves the shipped railyard.example.yaml', () => {
    const c = loadConfigFile(resolve('railyard.example.yaml'), { env: { RAILYARD_DATA_KEY_K2026A: b64(), RAILYARD_MAC_KEY: b64(), RAILYARD_AUDIT_KEY_AU2026A: b64() } });
    expect(c.merchants[0]?.routes).toEqual({ card: 'bank-sandbox', bank_account: 'bank-sandbox' });
    expect(c.databaseUrl).toMatch(/^postgres:\/\//);
  });
});

describe('errors name the bad key', () => {
  it.each<[string, (f: Record<string, any>) => void, string]>([
    ['bad sha256', (f) => (f.merchants[0].api_keys[1] = { sha256: 'abc' }), 'merchants[0].api_keys[1].sha256: must be 64 hex characters'],
    ['unknown connector type', (f) => (f.connectors[0].type = 'acme-bank'), 'connectors[0].type: unknown connector type "acme-bank" (known: sandbox'],
    ['misspelt key', (f) => (f.merchants[0].allow_no_confirmaton = true), 'merchants[0].allow_no_confirmaton: unknown key'],
    ['non-repudiation without a signing pair', (f) => (f.merchants[0].non_repudiation = true), 'merchants[0].non_repudiation: needs security.signing'],
    ['missing section', (f) => delete f.security, 'security: is required'],
    ['wrong type', (f) => (f.server.port = '8080'), 'server.port: Invalid input: expected number, received string'],
    ['port out of range', (f) => (f.server.port = 70_000), 'server.port:'],
    ['short data key', (f) => (f.security.data_keys[0].key_base64 = b64(16)), 'security.data_keys[0].key_base64: must be base64 of exactly 32 bytes'],
    ['bad data key id', (f) => (f.security.data_keys[0].id = 'key one'), 'security.data_keys[0].id: must be 1-32 letters'],
    ['active key not configured', (f) => (f.security.active_data_key = 'k9'), 'security.active_data_key: "k9" is not among data_keys ids'],
    ['duplicate data key id', (f) => (f.security.data_keys[1].id = 'k1'), 'security.data_keys[1].id: duplicate data key id "k1"'],
    ['short MAC key', (f) => (f.security.mac_key_base64 = b64(8)), 'security.mac_key_base64: must be base64 of at least 32 bytes'],
    ['no audit key', (f) => delete f.security.audit_keys, 'security.audit_keys: is required'],
    ['short audit key', (f) => (f.security.audit_keys = [{ id: 'au1', key_base64: b64(8) }]), 'security.audit_keys[0].key_base64: must be base64 of at least 32 bytes'],
    ['two audit keys, none active', (f) => (f.security.audit_keys = [{ id: 'a', key_base64: b64() }, { id: 'b', key_base64: b64() }]), 'security.active_audit_key: is required when there is more than one audit key'],
    ['active audit key unknown', (f) => (f.security.active_audit_key = 'zz'), 'security.active_audit_key: "zz" is not among audit_keys ids'],
    ['both sha256 and key', (f) => (f.merchants[0].api_keys[0].key = KEY_B), 'merchants[0].api_keys[0]: give exactly one of sha256 or key'],
    ['short clear key', (f) => (f.merchants[0].api_keys[1] = { key: 'sk_short' }), 'merchants[0].api_keys[1].key: must be at least 24 characters'],
    ['route to unknown connector', (f) => (f.merchants[0].routes.bank_account = 'nope'), 'merchants[0].routes.bank_account: no connector with id "nope"'],
    ['unknown route method', (f) => (f.merchants[0].routes.crypto = 'bank-a'), 'merchants[0].routes.crypto: unknown key'],
    ['duplicate merchant', (f) => f.merchants.push({ ...f.merchants[0], api_keys: [{ key: 'sk_live_cccccccccccccccccccccccc' }] }), 'merchants[1].id: duplicate merchant id "mch_acme"'],
    ['key shared by two merchants', (f) => f.merchants.push({ id: 'mch_b', name: 'B', api_keys: [{ key: KEY_A }] }), 'merchants[1].api_keys[0]: the same API key is already used by merchant "mch_acme"'],
    ['duplicate connector', (f) => f.connectors.push({ id: 'bank-a', type: 'sandbox' }), 'connectors[1].id: duplicate connector id "bank-a"'],
    ['bad connector id', (f) => (f.connectors[0].id = 'Bank A'), 'connectors[0].id: must be 2-40 lower-case'],
    ['no merchants', (f) => (f.merchants = []), 'merchants: needs at least one merchant'],
    ['retry delays inverted', (f) => (f.engine.retry = { base_delay_ms: 5_000, max_delay_ms: 1_000 }), 'engine.retry.max_delay_ms: must not be below base_delay_ms'],
  ])('%s', (_name, mutate, expected) => {
    const issues = issuesOf(resolveWith(mutate));
    expect(issues.some((i) => i.startsWith(expected)), `${JSON.stringify(issues)} should contain ${expected}`).toBe(true);
  });

  it('lists every shape problem at once', () => {
    const issues = issuesOf(
      resolveWith((f) => {
        f.merchants[0].api_keys[0] = { sha256: 'zz' };
        f.connectors[0].type = 'nope';
      }),
    );
    expect(issues).toHaveLength(2);
  });

  it('reads secrets named by *_env and names the variable when it is missing', () => {
    const key = b64();
    const ok = resolveWith(
      (f) => {
        f.security.data_keys = [{ id: 'k1', key_base64_env: 'MY_DATA_KEY' }];
        f.security.active_data_key = 'k1';
      },
      { MY_DATA_KEY: key },
    )();
    expect(ok.security.dataKeys[0]?.key.toString('base64')).toBe(key);
    const issues = issuesOf(
      resolveWith((f) => {
        f.security.data_keys = [{ id: 'k1', key_base64_env: 'MY_DATA_KEY' }];
        f.security.active_data_key = 'k1';
      }),
    );
    expect(issues).toContain('security.data_keys[0].key_base64_env: environment variable MY_DATA_KEY is not set');
    expect(issuesOf(resolveWith((f) => (f.security.mac_key_base64_env = 'X')))).toContain(
      'security.mac_key_base64: give either mac_key_base64 or mac_key_base64_env, not both',
    );
  });

  it('names the file in the message of a file that fails', () => {
    const dir = tempDir();
    const path = join(dir, 'bad.yaml');
    const f = validFile();
    (f.merchants as Record<string, unknown>[])[0] = { id: 'm', name: 'M', api_keys: [{ sha256: 'x' }] };
    writeFileSync(path, stringify(f));
    expect(() => loadConfig({ RAILYARD_CONFIG: path })).toThrow(`${path}: merchants[0].api_keys[0].sha256: must be 64 hex characters`);
  });
});

describe('API key rotation', () => {
  const third = 'sk_live_cccccccccccccccccccccccc';

  it('refuses a third active key', () => {
    expect(issuesOf(resolveWith((f) => f.merchants[0].api_keys.push({ key: third })))).toContain(
      'merchants[0].api_keys: at most 2 active keys (one current, one being rotated in); mark older ones active: false',
    );
  });

  it('accepts a third key once one is inactive, and inactive keys do not authenticate', () => {
    const c = resolveWith((f) => {
      f.merchants[0].api_keys[0].active = false;
      f.merchants[0].api_keys.push({ key: third });
    })();
    expect(c.merchants[0]?.apiKeyHashes).toEqual([hashApiKey(KEY_B), hashApiKey(third)]);
  });

  it('needs at least one active key', () => {
    expect(
      issuesOf(
        resolveWith((f) => {
          for (const k of f.merchants[0].api_keys) k.active = false;
        }),
      ),
    ).toContain('merchants[0].api_keys: needs at least one active key');
  });
});

describe('environment', () => {
  it('overrides the file', () => {
    const c = resolveWith(() => undefined, {
      PORT: '7070',
      HOST: '127.0.0.2',
      RAILYARD_DATA_DIR: '/var/lib/railyard',
      DATABASE_URL: 'postgres://u@h/db',
    })();
    expect(c.server.port).toBe(7070);
    expect(c.server.host).toBe('127.0.0.2');
    expect(c.dataDir).toBe('/var/lib/railyard');
    expect(c.databaseUrl).toBe('postgres://u@h/db');
  });

  it('falls back to defaults and resolves data_dir against the file directory', () => {
    const c = resolveWith((f) => delete f.server)();
    expect(c.server).toEqual({ host: '127.0.0.1', port: 8080, maxBodyBytes: 1_048_576 });
    expect(c.dataDir).toBe('/etc/railyard/state');
  });

  it('names a bad environment variable', () => {
    expect(issuesOf(resolveWith(() => undefined, { PORT: 'eighty' }))).toContain('PORT: must be an integer from 0 to 65535');
    expect(issuesOf(() => sandboxConfig({ RAILYARD_DATA_DIR: tempDir(), RAILYARD_SANDBOX_WEBHOOK_URL: 'ftp://x' }))).toContain(
      'RAILYARD_SANDBOX_WEBHOOK_URL: must be an http(s) URL',
    );
  });
});

describe('sandbox', () => {
  it('builds the sandbox merchant, connector and short policy (in-process bank)', () => {
    const dir = tempDir();
    const c = sandboxConfig({ RAILYARD_DATA_DIR: dir, PORT: '0', RAILYARD_SANDBOX_RAILS: 'inprocess' });
    expect(c.mode).toBe('sandbox');
    expect(c.dataDir).toBe(dir);
    expect(c.server.port).toBe(0);
    expect(c.merchants).toEqual([
      {
        id: 'mch_sandbox',
        name: 'Sandbox Shop',
        apiKeyHashes: [hashApiKey('sk_sandbox_railyard')],
        allowNoConfirmation: true,
        nonRepudiation: true,
        routes: { card: 'sandbox', bank_account: 'sandbox' },
      },
    ]);
    expect(c.connectors).toEqual([
      { id: 'sandbox', type: 'sandbox', settings: { callTimeoutMs: 3_000, settleAfterMs: 5_000, journalPath: join(c.dataDir, 'sandbox-bank.jsonl') } },
    ]);
    expect(c.engine.leaseMs).toBe(5_000);
    expect(c.engine.policy.retry).toMatchObject({ baseDelayMs: 1_000, maxDelayMs: 5_000 });
    expect(c.engine.policy.pollIntervalMs).toBe(2_000);
    expect(c.sandbox).toEqual({ apiKey: 'sk_sandbox_railyard' });
  });

  it('takes the key and webhook from the environment', () => {
    const c = sandboxConfig({
      RAILYARD_DATA_DIR: tempDir(),
      RAILYARD_SANDBOX_API_KEY: 'sk_sandbox_mine_123',
      RAILYARD_SANDBOX_WEBHOOK_URL: 'http://localhost:4000/hooks',
      RAILYARD_SANDBOX_WEBHOOK_SECRET: 'whsec_abc',
    });
    expect(c.merchants[0]?.apiKeyHashes).toEqual([hashApiKey('sk_sandbox_mine_123')]);
    expect(c.sandbox).toEqual({ apiKey: 'sk_sandbox_mine_123', webhook: { url: 'http://localhost:4000/hooks', secret: 'whsec_abc' }, rails: 'simulators' });
  });

  it('is what loadConfig gives without RAILYARD_CONFIG', () => {
    expect(loadConfig({ RAILYARD_DATA_DIR: tempDir() }).mode).toBe('sandbox');
  });

  it('persists its data keys (0600) and reuses them for the same data directory', () => {
    const dir = tempDir();
    const first = sandboxConfig({ RAILYARD_DATA_DIR: dir });
    const file = join(dir, SANDBOX_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = sandboxConfig({ RAILYARD_DATA_DIR: dir });
    expect(second.security.activeKeyId).toBe(first.security.activeKeyId);
    expect(second.security.dataKeys[0]?.key.equals(first.security.dataKeys[0]?.key ?? Buffer.alloc(0))).toBe(true);
    expect(second.security.macKey.equals(first.security.macKey)).toBe(true);
    const other = sandboxConfig({ RAILYARD_DATA_DIR: tempDir() });
    expect(other.security.macKey.equals(first.security.macKey)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('active_data_key', first.security.activeKeyId);
  });

  it('refuses a damaged key file instead of replacing it (that would lose the sealed data)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, SANDBOX_KEYS_FILE), '{"data_keys": []}');
    expect(() => sandboxConfig({ RAILYARD_DATA_DIR: dir })).toThrow(/sandbox-keys\.json: data_keys: needs at least one data key/);
  });
});

describe('connector settings', () => {
  const HOST_KEY = `SHA256:${'A'.repeat(43)}`;
  const batchSettings = () => ({
    sftp: { host: '127.0.0.1', username: 'acme', private_key: 'not a real key', host_key_sha256: [HOST_KEY] },
    profile: { bank: 'BANKA', account: { name: 'Acme', iban: 'DE75512108001245126199' }, calendar: { time_zone: 'Europe/Berlin', cutoffs: ['10:00'] } },
  });
  const withConnector = (type: string, settings: Record<string, unknown>) =>
    resolveWith((f) => {
      f.connectors = [{ id: 'bank-a', type, settings }];
    });

  // one bad value per connector type: refused at load, naming the key as the file writes it
  it.each<[string, string, Record<string, unknown>, string]>([
    ['sandbox', 'a number as text', { call_timeout_ms: 'fast' }, 'connectors[0].settings.call_timeout_ms: '],
    ['sandbox', 'a negative latency', { latency_ms: -1 }, 'connectors[0].settings.latency_ms: '],
    ['demo-card', 'a port out of range', { port: 70_000 }, 'connectors[0].settings.port: '],
    ['demo-card', 'no address', {}, 'connectors[0].settings.port: is required (or endpoints)'],
    ['demo-card', 'an unknown MAC algorithm', { port: 9, mac: { algorithm: 'md5', key_hex: '00' } }, 'connectors[0].settings.mac.algorithm: must be retail-3des or aes-cmac'],
    ['demo-card', 'a bad endpoint', { endpoints: [{ host: '127.0.0.1', port: 'x' }] }, 'connectors[0].settings.endpoints[0].port: '],
    ['demo-sepa', 'a base URL that is not text', { base_url: 42 }, 'connectors[0].settings.base_url: '],
    ['demo-sepa', 'no base URL (no silent default)', {}, 'connectors[0].settings.base_url: is required'],
    ['demo-sepa', 'a signature mode typo', { base_url: 'http://127.0.0.1:8620', signature_mode: 'envelopped' }, 'connectors[0].settings.signature_mode: must be detached or enveloped'],
    ['demo-sepa', 'half a signing pair', { base_url: 'http://127.0.0.1:8620', signing_certificate: 'a.pem' }, 'connectors[0].settings.signing_key: give signingCertificate and signingKey together'],
    ['demo-batch', 'no pinned host key', { ...batchSettings(), sftp: { ...batchSettings().sftp, host_key_sha256: [] } }, 'connectors[0].settings.sftp.host_key_sha256: pin the bank host key'],
    ['demo-batch', 'a bad cut-off', { ...batchSettings(), profile: { ...batchSettings().profile, calendar: { time_zone: 'Europe/Berlin', cutoffs: ['25:00'] } } }, 'connectors[0].settings.profile.calendar'],
    ['demo-batch', 'an unknown protection', { ...batchSettings(), protection: { kind: 'rot13' } }, 'connectors[0].settings.protection.kind: '],
  ])('%s: %s is refused at start with its key path', (type, _what, settings, expected) => {
    const issues = issuesOf(withConnector(type, settings));
    expect(issues.some((i) => i.startsWith(expected)), issues.join('\n')).toBe(true);
  });

  it('accepts snake_case only in files, and says which spelling it wants', () => {
    expect(issuesOf(withConnector('sandbox', { callTimeoutMs: 2_000 }))).toContain('connectors[0].settings.callTimeoutMs: write keys in snake_case (call_timeout_ms)');
    expect(issuesOf(withConnector('demo-sepa', { baseUrl: 'http://127.0.0.1:8620' }))).toContain('connectors[0].settings.baseUrl: write keys in snake_case (base_url)');
    expect(issuesOf(withConnector('sandbox', { call_timeout: 2_000 }))).toContain('connectors[0].settings.call_timeout: unknown key');
  });

  it('reports settings problems together with the rest of the file', () => {
    const issues = issuesOf(
      resolveWith((f) => {
        f.merchants[0].api_keys = [{ sha256: 'xyz' }];
        f.connectors.push({ id: 'bank-b', type: 'demo-sepa', settings: { base_url: 'ftp://127.0.0.1/' } });
      }),
    );
    expect(issues).toContain('merchants[0].api_keys[0].sha256: must be 64 hex characters');
    expect(issues).toContain('connectors[1].settings.base_url: must be an http:// or https:// URL');
  });

  it('never echoes the bad value', () => {
    const issues = issuesOf(withConnector('demo-sepa', { base_url: 'http://127.0.0.1:8620', creditor_iban: 'DE00 SECRET 1234' }));
    expect(issues.join('\n')).toContain('connectors[0].settings.creditor_iban: must be an IBAN');
    expect(issues.join('\n')).not.toContain('SECRET');
  });

  it('loads a snake_case file and maps it once to the camelCase the connectors read; data keys stay as written', () => {
    const dir = tempDir();
    const file = validFile();
    file.merchants = [{ ...(file.merchants as Record<string, unknown>[])[0], routes: { card: 'card-bank', bank_account: 'sepa-bank' } }];
    file.connectors = [
      { id: 'card-bank', type: 'demo-card', settings: { host: '127.0.0.1', port: 8583, terminal_id: 'T1', mac_keys: { zone_key: '00112233445566778899AABBCCDDEEFF' }, reconnect: { initial_ms: 100 } } },
      { id: 'sepa-bank', type: 'demo-sepa', settings: { base_url: 'http://127.0.0.1:8620', call_timeout_ms: 1_500, headers: { 'X-Bank-Tenant': 'acme' }, creditor_iban: 'DE75512108001245126199' } },
      { id: 'file-bank', type: 'demo-batch', settings: batchSettings() },
    ];
    writeFileSync(join(dir, 'railyard.yaml'), stringify(file));
    const c = loadConfigFile(join(dir, 'railyard.yaml'), { env: {} });
    const [card, sepa, batch] = c.connectors;
    expect(card?.settings).toEqual({ host: '127.0.0.1', port: 8583, terminalId: 'T1', macKeys: { zone_key: '00112233445566778899AABBCCDDEEFF' }, reconnect: { initialMs: 100 } });
    expect(readCardSettings(card?.settings ?? {})).toMatchObject({ terminalId: 'T1', macKeys: { zone_key: '00112233445566778899AABBCCDDEEFF' }, reconnect: { initialMs: 100, maxMs: 10_000 } });
    expect(sepa?.settings).toEqual({ baseUrl: 'http://127.0.0.1:8620', callTimeoutMs: 1_500, headers: { 'X-Bank-Tenant': 'acme' }, creditorIban: 'DE75512108001245126199' });
    expect(readSepaSettings(sepa?.settings ?? {})).toMatchObject({ baseUrl: 'http://127.0.0.1:8620', requestTimeoutMs: 4_500, headers: { 'X-Bank-Tenant': 'acme' } });
    expect(batch?.settings).toMatchObject({ sftp: { privateKey: 'not a real key', hostKeySha256: [HOST_KEY] }, profile: { calendar: { timeZone: 'Europe/Berlin', cutoffs: ['10:00'] } } });
  });

  it('the sandbox configurations are valid for their connectors (simulators: once their addresses are added)', () => {
    const inprocess = sandboxConfig({ RAILYARD_DATA_DIR: tempDir(), RAILYARD_SANDBOX_RAILS: 'inprocess' });
    for (const c of inprocess.connectors) expect(settingsIssues(connectorRegistry[c.type]!.settings, { ...c.settings, id: c.id }), c.id).toEqual([]);
    const simulators = sandboxConfig({ RAILYARD_DATA_DIR: tempDir() });
    expect(simulators.connectors.map((c) => c.type).sort()).toEqual(['demo-batch', 'demo-card', 'demo-sepa']);
    // what src/sandbox-simulators.ts wire() adds once the simulators listen
    const addresses: Record<string, Record<string, unknown>> = {
      'demo-card': { host: '127.0.0.1', port: 8583 },
      'demo-sepa': { baseUrl: 'http://127.0.0.1:8620' },
      'demo-batch': { sftp: { host: '127.0.0.1', port: 2222, username: 'railyard', privateKey: 'k', hostKeySha256: [HOST_KEY], renameMode: 'free-name' } },
    };
    for (const c of simulators.connectors) {
      expect(settingsIssues(connectorRegistry[c.type]!.settings, { ...c.settings, ...addresses[c.type], id: c.id }), c.id).toEqual([]);
    }
  });
});
