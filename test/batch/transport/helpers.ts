import { secret } from '../../../src/domain/secret.js';
import type { SftpProfile } from '../../../src/batch/transport/index.js';
import type { SshdFixture } from '../sshd.js';

/** A profile for the fixture server; `port` lets a test go through a proxy instead. */
export function profileFor(sshd: SshdFixture, overrides: Partial<SftpProfile> = {}): SftpProfile {
  return {
    host: '127.0.0.1',
    port: sshd.port,
    username: sshd.username,
    privateKey: secret(sshd.userKey),
    hostKeySha256: [sshd.hostKeySha256],
    renameMode: 'posix',
    timeouts: { connectMs: 5_000, operationMs: 5_000, endMs: 1_000 },
    ...overrides,
  };
}

export const bytes = (n: number, seed = 1): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  return b;
};

export async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
