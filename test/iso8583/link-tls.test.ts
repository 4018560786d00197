import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsoLink, FrameDecoder, encodeFrame } from '../../src/iso8583/link/index.js';
import { answer, dialect } from './link-peer.js';

// A throwaway self-signed certificate for 127.0.0.1, made by the system's openssl.
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('the link over TLS', () => {
  let dir: string;
  let cert: string;
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (s) => {
      const decoder = new FrameDecoder({ header: 'binary2' });
      s.on('data', (c: Buffer) => {
        for (const f of decoder.push(c)) s.write(encodeFrame({ header: 'binary2' }, dialect.pack(answer(dialect.unpack(f.message)))));
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const a = server.address();
    port = typeof a === 'object' && a !== null ? a.port : 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs on and carries requests when the server certificate is trusted', async () => {
    const link = new IsoLink({ host: '127.0.0.1', port, tls: { ca: cert }, dialect, framing: { header: 'binary2' }, echoIntervalMs: 0 });
    link.start();
    try {
      await link.ready(3_000);
      const r = await link.request({ '0': '0100', '4': '000000000100', '7': '1127101010', '11': '000123', '41': 'TERM0001' });
      expect(r.fields).toMatchObject({ '0': '0110', '39': '00', '11': '000123' });
    } finally {
      await link.close();
    }
  });

  it('never becomes ready against an untrusted certificate', async () => {
    const link = new IsoLink({ host: '127.0.0.1', port, tls: {}, dialect, framing: { header: 'binary2' }, echoIntervalMs: 0, reconnect: { initialMs: 50, maxMs: 50 } });
    link.start();
    try {
      await expect(link.ready(300)).rejects.toMatchObject({ reason: 'not_ready' });
    } finally {
      await link.close();
    }
  });
});
