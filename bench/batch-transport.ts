/**
 * SFTP transport benchmark (`npx tsx bench/batch-transport.ts [MB] [rounds]`, or
 * `npm run bench -- batch-transport`): a local OpenSSH server (test/batch/sshd.ts), a file of
 * random bytes (default 100 MB) uploaded and downloaded through SftpTransport, and the same file
 * through OpenSSH's own `sftp -b` client against the same server in the same run, as the baseline.
 * Every transfer opens its own connection (handshake included on both sides), the download is
 * checked by SHA-256, and the median of `rounds` (default 3) is reported with every sample.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SftpTransport, type SftpProfile } from '../src/batch/transport/index.js';
import { startSshd, type SshdFixture } from '../test/batch/sshd.js';
import { profileFor } from '../test/batch/transport/helpers.js';
import { round } from './lib.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

// the tests' profile for the fixture server, with timeouts fit for 100 MB
const profile = (sshd: SshdFixture, chunkBytes?: number): SftpProfile =>
  profileFor(sshd, { timeouts: { connectMs: 10_000, operationMs: 30_000, endMs: 5_000 }, ...(chunkBytes ? { chunkBytes } : {}) });

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
}

/** One upload and one download through SftpTransport, each on a fresh connection. */
async function railyardRound(sshd: SshdFixture, data: Buffer, digest: string, chunkBytes?: number): Promise<{ upMs: number; downMs: number }> {
  const up = new SftpTransport(profile(sshd, chunkBytes));
  const [upMs] = await timed(async () => {
    await up.upload('bench', 'railyard.bin', data);
    await up.close();
  });
  const down = new SftpTransport(profile(sshd, chunkBytes));
  const [downMs, got] = await timed(async () => {
    const b = await down.download('bench', 'railyard.bin');
    await down.close();
    return b;
  });
  if (sha256(got) !== digest) throw new Error('SftpTransport download does not match the upload');
  return { upMs, downMs };
}

/** The same with `sftp -b`, which pays for process start and handshake as we pay for ours. */
function opensshRound(sshd: SshdFixture, work: string, digest: string): { upMs: number; downMs: number } {
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  const sftp = (batch: string): number => {
    const file = join(work, 'batch');
    writeFileSync(file, batch);
    const args = ['-q', '-b', file, '-i', sshd.userKeyPath, '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-P', String(sshd.port), `${sshd.username}@127.0.0.1`];
    const t0 = performance.now();
    const r = spawnSync('sftp', args, { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`sftp failed: ${r.stderr}`);
    return ms;
  };
  const upMs = sftp(`put ${join(work, 'payload.bin')} bench/openssh.bin\n`);
  const downMs = sftp(`get bench/openssh.bin ${join(work, 'fetched.bin')}\n`);
  if (sha256(readFileSync(join(work, 'fetched.bin'))) !== digest) throw new Error('sftp download does not match the upload');
  rmSync(join(work, 'fetched.bin'));
  return { upMs, downMs };
}

export async function run(megabytes = 100, rounds = 3): Promise<Record<string, unknown>> {
  const sshd = await startSshd();
  const work = mkdtempSync(join(tmpdir(), 'railyard-bench-sftp-'));
  try {
    mkdirSync(join(sshd.root, 'bench'));
    const data = randomBytes(megabytes * 1024 * 1024);
    const digest = sha256(data);
    writeFileSync(join(work, 'payload.bin'), data);
    const mbps = (ms: number) => round(megabytes / (ms / 1000), 1);

    const ours: { upMs: number; downMs: number }[] = [];
    const theirs: { upMs: number; downMs: number }[] = [];
    // interleaved, so that drift on the machine hits both sides alike
    for (let i = 0; i < rounds; i++) {
      ours.push(await railyardRound(sshd, data, digest));
      theirs.push(opensshRound(sshd, work, digest));
    }
    // the request size is the one knob that matters: ssh2's stream default next to ours
    const small = await railyardRound(sshd, data, digest, 64 * 1024);

    const summary = (xs: { upMs: number; downMs: number }[]) => ({
      uploadMBps: mbps(median(xs.map((x) => x.upMs))),
      downloadMBps: mbps(median(xs.map((x) => x.downMs))),
      samplesMs: xs.map((x) => ({ up: round(x.upMs, 0), down: round(x.downMs, 0) })),
    });
    const railyard = summary(ours);
    const openssh = summary(theirs);
    return {
      fileMB: megabytes,
      rounds,
      sha256Verified: true,
      railyard: { ...railyard, chunkBytes: 255 * 1024 },
      openssh: { ...openssh, client: spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim() },
      ratio: {
        upload: round(railyard.uploadMBps / openssh.uploadMBps, 2),
        download: round(railyard.downloadMBps / openssh.downloadMBps, 2),
        target: 0.5,
      },
      railyardWith64KiBChunks: { uploadMBps: mbps(small.upMs), downloadMBps: mbps(small.downMs) },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await sshd.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mb = Number(process.argv[2] ?? 100);
  const rounds = Number(process.argv[3] ?? 3);
  console.log(JSON.stringify(await run(mb, rounds), null, 2));
}
