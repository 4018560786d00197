import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../../mocks/smtp/index.js';

let capture: SmtpCapture | undefined;
afterEach(async () => {
  await capture?.close();
  capture = undefined;
});

describe('smtp capture', () => {
  it('a client reset mid-session does not take the capture server (and its process) down', async () => {
    capture = await startSmtpCapture();
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown): void => void uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const s = connect(capture.port, '127.0.0.1');
      await new Promise<void>((r) => s.once('data', () => r()));
      s.write('EHLO sim\r\nMAIL FROM:<a@b.test>\r\n');
      await new Promise((r) => setTimeout(r, 50));
      s.resetAndDestroy(); // RST, as the kernel sends for a SIGKILLed sender
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      // and it still serves the next client
      const t = connect(capture.port, '127.0.0.1');
      const banner = await new Promise<string>((r) => t.once('data', (d: Buffer) => r(d.toString())));
      expect(banner).toMatch(/^220 /);
      t.destroy();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
