/**
 * A real OpenSSH server for tests and benches: one `sshd` per call, on a free loopback port, with
 * fresh ed25519 host and user keys in a temp dir. The SFTP subsystem starts in `root`, so relative
 * remote paths (`out`, `.`) land under `root`; absolute paths are the real file system.
 *
 *   const sshd = await startSshd();
 *   // ... connect to 127.0.0.1:sshd.port as sshd.username with sshd.userKey, pin sshd.hostKeySha256
 *   await sshd.stop();
 *
 * `readOnly: true` starts the SFTP server with `-R`: every write is answered with permission
 * denied. That is how tests get a permission error at all, since we run as root and root ignores
 * file mode bits. Point a read-only server at another server's `root` to share the files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshdOptions {
  /** directory the SFTP session starts in; a fresh temp dir (removed on stop) when absent */
  root?: string;
  /** answer every SFTP write with permission denied */
  readOnly?: boolean;
}

export interface SshdFixture {
  host: '127.0.0.1';
  port: number;
  root: string;
  username: string;
  /** `SHA256:base64`, as `ssh-keygen -lf` prints it */
  hostKeySha256: string;
  /** the host public key line (`ssh-ed25519 AAAA...`), for a known_hosts file */
  hostPublicKey: string;
  /** OpenSSH-format private key, no passphrase */
  userKey: string;
  userKeyPath: string;
  userPublicKey: string;
  /** everything sshd has written to stderr so far (LogLevel VERBOSE: auth attempts are logged) */
  log(): string;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

function keygen(path: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'railyard-test', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

function fingerprint(pubPath: string): string {
  const r = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' });
  const fp = /(SHA256:\S+)/.exec(r.stdout)?.[1];
  if (r.status !== 0 || !fp) throw new Error(`ssh-keygen -l failed: ${r.stderr}`);
  return fp;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves once the server sends its SSH banner; that is when it can take a session. */
function bannerSeen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    sock.once('error', () => done(false));
  });
}

async function waitUntilReady(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}):\n${log()}`);
    if (await bannerSeen(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not accept connections within 10 s:\n${log()}`);
}

function config(dir: string, port: number, root: string, readOnly: boolean): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    // keys live under /tmp, whose permissions StrictModes refuses
    'StrictModes no',
    'LogLevel VERBOSE',
    `Subsystem sftp internal-sftp -d ${root}${readOnly ? ' -R' : ''}`,
    '',
  ].join('\n');
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-sshd-'));
  const root = options.root ?? join(dir, 'root');
  mkdirSync(root, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true });
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'user_ed25519'));
  const userPublicKey = readFileSync(join(dir, 'user_ed25519.pub'), 'utf8').trim();
  writeFileSync(join(dir, 'authorized_keys'), `${userPublicKey}\n`);

  // a free port can be taken between probing and binding: try a few
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const configPath = join(dir, 'sshd_config');
    writeFileSync(configPath, config(dir, port, root, options.readOnly ?? false));
    const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitUntilReady(child, port, () => log);
    } catch (e) {
      lastError = e;
      child.kill('SIGKILL');
      await exited;
      continue;
    }
    return {
      host: '127.0.0.1',
      port,
      root,
      username: userInfo().username,
      hostKeySha256: fingerprint(join(dir, 'host_ed25519.pub')),
      hostPublicKey: readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' '),
      userKey: readFileSync(join(dir, 'user_ed25519'), 'utf8'),
      userKeyPath: join(dir, 'user_ed25519'),
      userPublicKey,
      log: () => log,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('sshd did not start');
}
