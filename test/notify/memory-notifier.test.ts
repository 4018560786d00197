import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.js';
import { MemoryNotifier, type Notification } from '../../src/notify/notifier.js';

const otp = (paymentId: string, code: string, merchantId = 'mch_test'): Notification => ({
  kind: 'otp',
  paymentId,
  merchantId,
  merchantName: 'Shop',
  to: 'c@example.test',
  code: new Secret(code),
  amount: 100,
  currency: 'EUR',
  expiresAt: 0,
});

describe('the sandbox inbox (MemoryNotifier)', () => {
  it("finds a payment's newest code and lists its notifications in order", async () => {
    const inbox = new MemoryNotifier(() => 0);
    await inbox.send(otp('pay_a', '111111'));
    await inbox.send(otp('pay_b', '222222'));
    await inbox.send(otp('pay_a', '333333'));
    expect(inbox.latestOtp('pay_a')).toBe('333333');
    expect(inbox.latestOtp('pay_c')).toBeUndefined();
    expect(inbox.list('mch_test', 'pay_a').map((n) => (n as { otp?: string }).otp)).toEqual(['111111', '333333']);
    expect(inbox.list('mch_test')).toHaveLength(3);
  });

  it('drops the oldest payments first when full', async () => {
    const inbox = new MemoryNotifier(() => 0, 3);
    await inbox.send(otp('pay_a', '1'));
    await inbox.send(otp('pay_b', '2'));
    await inbox.send(otp('pay_c', '3'));
    await inbox.send(otp('pay_d', '4'));
    expect(inbox.latestOtp('pay_a')).toBeUndefined();
    expect(inbox.list('mch_test').map((n) => n.payment_id)).toEqual(['pay_b', 'pay_c', 'pay_d']);
  });

  it("shows a merchant only its own customers' notifications", async () => {
    const inbox = new MemoryNotifier(() => 0);
    await inbox.send(otp('pay_a', '111111', 'mch_one'));
    await inbox.send(otp('pay_b', '222222', 'mch_two'));
    expect(inbox.list('mch_one').map((n) => n.payment_id)).toEqual(['pay_a']);
    expect(inbox.list('mch_two', 'pay_a')).toEqual([]);
  });
});
