import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, loadCommand, type CliIo } from '../../src/cli/index.js';

/** Runs bin/railyard.js as a user would (through tsx when dist/ is absent). */
const run = (args: string[], input = '', fromSource = false) =>
  spawnSync(process.execPath, ['bin/railyard.js', ...args], {
    encoding: 'utf8',
    input,
    timeout: 30_000,
    env: { ...process.env, LOG_LEVEL: 'silent', RAILYARD_CLI_FROM_SOURCE: fromSource ? '1' : '' },
  });

/** An in-memory io; `stdinReads` shows whether a command touched stdin. */
const memoryIo = (stdin = '') => {
  const out = { stdout: '', stderr: '', stdinReads: 0 };
  const io: CliIo = {
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    readStdin: async () => {
      out.stdinReads++;
      return stdin;
    },
    readFile: async () => {
      throw new Error('no files here');
    },
  };
  return { io, out };
};

describe('bin/railyard.js', () => {
  it(`prints help and exits 0 (${existsSync('dist/src/cli/index.js') ? 'built' : 'from sources via tsx'})`, () => {
    const r = run(['help']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: railyard <command>/);
    expect(r.stdout).toContain('iso8583 pack|unpack|describe');
  });

  it('runs from the TypeScript sources through tsx when asked (as in a checkout without dist/)', () => {
    const r = run(['help'], '', true);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: railyard <command>/);
  });

  it('exits 2 with the usage on an unknown command', () => {
    const r = run(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });

  it('pipes stdin to iso8583 pack', () => {
    const r = run(['iso8583', 'pack', '--dialect', 'iso87-ascii'], JSON.stringify({ 0: '0800', 11: '000001', 70: '301' }));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // iso87-ascii: the MTI "0800" travels as ASCII, so the hex starts 30383030
    expect(r.stdout.trim()).toMatch(/^30383030[0-9A-F]+$/);
  });
});

describe('cli dispatcher', () => {
  it.each([['new-connector']])('%s is not implemented yet (exit 2)', async (cmd) => {
    const { io, out } = memoryIo();
    expect(await cli([cmd], io)).toBe(2);
    expect(out.stderr).toContain('not implemented yet');
  });

  it('mock lists simulators, rejects unknown ones with 2', async () => {
    const list = memoryIo();
    expect(await cli(['mock'], list.io)).toBe(0);
    expect(list.out.stdout).toContain('iso8583-host');
    const unknown = memoryIo();
    expect(await cli(['mock', 'nope'], unknown.io)).toBe(2);
    expect(unknown.out.stderr).toContain('unknown simulator "nope"');
  });

  it('reads stdin only for the commands that consume it', async () => {
    const help = memoryIo();
    await cli(['iso8583', '--help'], help.io);
    expect(help.out.stdinReads).toBe(0);
    const parse = memoryIo();
    expect(await cli(['iso20022', 'parse', '/nonexistent.xml'], parse.io)).toBe(1);
    expect(parse.out.stdinReads).toBe(0);
    const pack = memoryIo('{"0":"0800","11":"000001","70":"301"}');
    expect(await cli(['iso8583', 'pack', '--dialect', 'iso87-ascii'], pack.io)).toBe(0);
    expect(pack.out.stdinReads).toBe(1);
  });

  it('exits 2 and prints usage without a command', async () => {
    const { io, out } = memoryIo();
    expect(await cli([], io)).toBe(2);
    expect(out.stderr).toContain('usage: railyard');
  });

  it('treats a command module missing from the build as "not available", but not an error inside one', async () => {
    const missing = '../../src/cli/iso9999.js';
    expect(await loadCommand('iso9999', () => import(missing), 'iso9999Command')).toBeNull();
    await expect(
      loadCommand('iso8583', () => Promise.reject(Object.assign(new Error('Cannot find module pg'), { code: 'ERR_MODULE_NOT_FOUND' })), 'x'),
    ).rejects.toThrow('Cannot find module pg');
    expect(typeof (await loadCommand('iso8583', () => import('../../src/cli/iso8583.js'), 'iso8583Command'))).toBe('function');
  });
});

describe('railyard mock iso8583-host', () => {
  it('serves the card host on the given port until SIGTERM, then exits 0', { timeout: 60_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const { connect } = await import('node:net');
    const child = spawn(process.execPath, ['bin/railyard.js', 'mock', 'iso8583-host', '--port', '0'], {
      env: { ...process.env, RAILYARD_CLI_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const until = Date.now() + 45_000;
    while (!/listening on 127\.0\.0\.1:\d+/.test(out) && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve();
      });
      s.on('error', reject);
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });
});

describe('railyard mock iso20022-bank', () => {
  it('serves the bank API simulator until SIGTERM', { timeout: 60_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['bin/railyard.js', 'mock', 'iso20022-bank', '--port', '0'], {
      env: { ...process.env, RAILYARD_CLI_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const until = Date.now() + 45_000;
    while (!/listening on 127\.0\.0\.1:\d+/.test(out) && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/_control/ledger`);
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(0);
  });
});

describe('railyard audit verify', () => {
  it('checks the configured store and exits 0 when every chain holds', { timeout: 60_000 }, async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'railyard-audit-cli-'));
    try {
      const r = spawnSync(process.execPath, ['bin/railyard.js', 'audit', 'verify'], {
        encoding: 'utf8',
        timeout: 45_000,
        env: { ...process.env, RAILYARD_CLI_FROM_SOURCE: '1', RAILYARD_DATA_DIR: dir, RAILYARD_CONFIG: '', DATABASE_URL: '' },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('0 payments, 0 history rows checked: every chain holds');
      expect(spawnSync(process.execPath, ['bin/railyard.js', 'audit'], { encoding: 'utf8', env: { ...process.env, RAILYARD_CLI_FROM_SOURCE: '1' } }).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
