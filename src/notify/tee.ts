import type { Notification, Notifier } from './notifier.js';

/**
 * Sends through `first` then `second`. Used in sandbox mode with SMTP configured: the sandbox inbox
 * (GET /sandbox/notifications) and real mail both see every notification. A failure of either
 * throws, so the outbox retries; the in-memory inbox may then hold a repeat, which is harmless.
 */
export const teeNotifier = (first: Notifier, second: Notifier): Notifier => ({
  async send(n: Notification): Promise<void> {
    await first.send(n);
    await second.send(n);
  },
});
