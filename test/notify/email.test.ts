import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../../mocks/smtp/index.js';
import { Secret } from '../../src/domain/secret.js';
import { SmtpNotifier } from '../../src/notify/email/smtp-notifier.js';
import { renderEmail } from '../../src/notify/email/templates.js';
import type { Notification } from '../../src/notify/notifier.js';
import { notifyHarness, type NotifyHarness } from './helpers.js';

const base = { paymentId: 'pay_01JTESTTESTTESTTESTTESTTEST', merchantId: 'mch_hooks', merchantName: 'Hook & Sons <Shop>', to: 'shopper@example.test' };
const otp = (over: Partial<Extract<Notification, { kind: 'otp' }>> = {}): Notification => ({
  kind: 'otp',
  ...base,
  code: new Secret('042917'),
  amount: 1999,
  currency: 'EUR',
  expiresAt: Date.UTC(2026, 0, 5, 9, 10),
  ...over,
});
const result = (status: string, over: Partial<Extract<Notification, { kind: 'result' }>> = {}): Notification => ({
  kind: 'result',
  ...base,
  status,
  amount: 1999,
  currency: 'EUR',
  last4: '4242',
  ...over,
});

describe('email templates', () => {
  it('show the merchant, the amount in the currency\'s decimals, and escape HTML', () => {
    const m = renderEmail(otp());
    expect(m.subject).toBe('Your confirmation code for Hook & Sons <Shop>');
    expect(m.text).toContain('19.99 EUR');
    expect(m.text).toContain('042917');
    expect(m.html).toContain('Hook &amp; Sons &lt;Shop&gt;');
    expect(m.html).not.toContain('<Shop>');
    expect(renderEmail(otp({ amount: 500, currency: 'JPY' })).text).toContain('500 JPY');
    expect(renderEmail(otp({ amount: 1234, currency: 'KWD' })).text).toContain('1.234 KWD');
  });

  it('tell approved, declined and refunded apart and never show more than the last 4', () => {
    expect(renderEmail(result('succeeded')).subject).toBe('Your payment to Hook & Sons <Shop> was approved');
    expect(renderEmail(result('failed')).subject).toBe('Your payment to Hook & Sons <Shop> was declined');
    expect(renderEmail(result('succeeded', { refundId: 're_01JTESTTESTTESTTESTTESTTEST', amount: 500 })).text).toMatch(/refunded your payment[\s\S]*5\.00 EUR/);
    const leaky = renderEmail(result('succeeded', { last4: '4242424242424242' }));
    expect(leaky.text).toContain('•••• 4242');
    expect(leaky.text + leaky.html).not.toContain('42424242');
  });
});

describe('SMTP notifier with the capture server', () => {
  let capture: SmtpCapture;

  beforeEach(async () => {
    capture = await startSmtpCapture();
  });
  afterEach(async () => {
    await capture.close();
  });

  it('sends text and HTML parts that the capture server decodes', async () => {
    const smtp = new SmtpNotifier({ host: capture.host, port: capture.port, secure: false, requireTLS: false, from: 'Railyard <payments@railyard.test>' });
    await smtp.send(otp());
    await smtp.send(result('failed', { currency: 'JPY', amount: 700 }));
    const [code, declined] = await capture.waitFor(2);
    expect(code?.to).toEqual(['shopper@example.test']);
    expect(code?.from).toBe('payments@railyard.test');
    expect(code?.subject).toBe('Your confirmation code for Hook & Sons <Shop>');
    expect(code?.text).toContain('042917');
    expect(code?.html).toContain('042917');
    expect(declined?.subject).toContain('was declined');
    expect(declined?.text).toContain('700 JPY');
    expect(declined?.html).toContain('•••• 4242');
  });

  describe('through the engine', () => {
    let h: NotifyHarness;
    beforeEach(async () => {
      h = await notifyHarness({ notifier: new SmtpNotifier({ host: capture.host, port: capture.port, secure: false, requireTLS: false, from: 'payments@railyard.test' }) });
    });
    afterEach(async () => {
      await h.close();
    });

    /** Notifications travel over real sockets: wait for them as well as for the manual clock. */
    const flush = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await h.engine.drain();
        await h.engine.outbox.idle();
      }
    };

    it('mails the one-time code (read back from the capture server) and the final result', async () => {
      const p = await h.pay({ amount: 12_345 });
      await flush();
      const [codeMail] = await capture.waitFor(1);
      const code = /^\s+(\d{6})$/m.exec(codeMail?.text ?? '')?.[1];
      expect(code).toMatch(/^\d{6}$/);
      expect(codeMail?.text).toContain('123.45 EUR');
      await h.engine.payments.confirm(h.merchant, p.id, new Secret(code ?? ''));
      expect((await h.settle(p.id)).status).toBe('succeeded');
      await flush();
      const mails = await capture.waitFor(2);
      expect(mails[1]?.subject).toBe('Your payment to Hook & Sons <Shop> was approved');
      expect(mails.map((m) => m.raw).join('\n')).not.toContain('4242424242424242');
    });

    it('never blocks the payment when mail fails, and retries from the outbox until it goes through', async () => {
      capture.setFailing(true);
      const p = await h.pay({ confirmation: 'none' });
      expect((await h.settle(p.id)).status).toBe('succeeded');
      await flush();
      expect(capture.messages).toHaveLength(0);
      const pending = (await h.store.listCommands(p.id)).filter((c) => c.kind === 'notify');
      expect(pending).toMatchObject([{ status: 'pending', attempts: 1 }]);
      capture.setFailing(false);
      await h.clock.set(pending[0]?.availableAt ?? 0); // the outbox's backoff, on the manual clock
      await flush();
      const [mail] = await capture.waitFor(1);
      expect(mail?.subject).toContain('was approved');
      expect((await h.store.listCommands(p.id)).filter((c) => c.kind === 'notify')).toMatchObject([{ status: 'done', attempts: 2 }]);
    });
  });
});
