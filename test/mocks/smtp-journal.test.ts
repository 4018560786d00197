import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpCapture, type CapturedMessage } from '../../mocks/smtp/index.js';
import { Secret } from '../../src/domain/secret.js';
import { SmtpNotifier } from '../../src/notify/email/smtp-notifier.js';
import { parseNotificationMail } from '../../src/notify/sandbox-inbox.js';

describe('mocks/smtp journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-smtp-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const send = async (port: number, paymentId: string, code: string): Promise<void> => {
    const n = new SmtpNotifier({ host: '127.0.0.1', port, secure: false, requireTLS: false, from: 'p@railyard.test' });
    await n.send({ kind: 'otp', paymentId, merchantId: 'm', merchantName: 'Shop', to: 'c@example.test', code: new Secret(code), amount: 500, currency: 'JPY', expiresAt: Date.now() + 60_000 });
    n.close();
  };

  it('keeps what it received across restarts, skips a torn last line, keeps the newest when over its cap', async () => {
    const journalPath = join(dir, 'mail.jsonl');
    let capture = await startSmtpCapture({ journalPath });
    await send(capture.port, 'pay_01AAAAAAAAAAAAAAAAAAAAAAAA', '111111');
    await send(capture.port, 'pay_01BBBBBBBBBBBBBBBBBBBBBBBB', '222222');
    await capture.close();
    expect(statSync(journalPath).mode & 0o777).toBe(0o600);
    appendFileSync(journalPath, '{"from":"torn'); // a crash in the middle of a write

    capture = await startSmtpCapture({ journalPath });
    expect(capture.messages.map((m) => parseNotificationMail(m)?.otp)).toEqual(['111111', '222222']);
    expect(parseNotificationMail(capture.messages[0] as CapturedMessage)).toMatchObject({ payment_id: 'pay_01AAAAAAAAAAAAAAAAAAAAAAAA', kind: 'otp', amount: 500, currency: 'JPY', to: 'c@example.test' });
    await capture.close();

    capture = await startSmtpCapture({ journalPath, maxMessages: 1 });
    expect(capture.messages.map((m) => parseNotificationMail(m)?.otp)).toEqual(['222222']);
    await send(capture.port, 'pay_01CCCCCCCCCCCCCCCCCCCCCCCC', '333333');
    expect(capture.messages.map((m) => parseNotificationMail(m)?.otp)).toEqual(['333333']);
    await capture.close();
    expect(readFileSync(journalPath, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
