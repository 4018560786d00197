import type { Notification } from '../notifier.js';
import { escapeHtml, formatAmount, maskedLast4 } from './format.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Outcome = 'approved' | 'declined' | 'refunded' | 'refund_failed' | 'review' | 'expired' | 'canceled' | 'reversed';

/** What the customer is told, by final status; "declined" covers every failure the customer sees. */
function outcomeOf(n: Extract<Notification, { kind: 'result' }>): Outcome {
  if (n.refundId !== undefined) {
    if (n.status === 'succeeded') return 'refunded';
    return n.status === 'failed' ? 'refund_failed' : 'review';
  }
  switch (n.status) {
    case 'succeeded':
    case 'authorized':
      return 'approved';
    case 'expired':
      return 'expired';
    case 'canceled':
      return 'canceled';
    case 'reversed':
      return 'reversed';
    case 'requires_review':
      return 'review';
    default:
      return 'declined';
  }
}

const HEADLINES: Record<Outcome, (merchant: string) => string> = {
  approved: (m) => `Your payment to ${m} was approved`,
  declined: (m) => `Your payment to ${m} was declined`,
  refunded: (m) => `${m} refunded your payment`,
  refund_failed: (m) => `A refund from ${m} could not be completed`,
  review: (m) => `Your payment to ${m} is being reviewed`,
  expired: (m) => `Your payment to ${m} expired`,
  canceled: (m) => `Your payment to ${m} was canceled`,
  reversed: (m) => `Your payment to ${m} was reversed`,
};

function layout(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${p}</p>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;color:#222"><h1 style="font-size:18px">${title}</h1>${body}</body></html>`;
}

/**
 * Text and HTML for one notification. This is the only place the one-time code is revealed, at
 * the moment the mail is built for sending.
 */
export function renderEmail(n: Notification): RenderedEmail {
  const amount = formatAmount(n.amount, n.currency);
  if (n.kind === 'otp') {
    const code = n.code.reveal();
    const subject = `Your confirmation code for ${n.merchantName}`;
    const text = [
      `Your code to confirm the payment of ${amount} to ${n.merchantName} is:`,
      '',
      `    ${code}`,
      '',
      `It expires at ${new Date(n.expiresAt).toISOString()}. Never share it with anyone.`,
      `If you did not start this payment, ignore this message.`,
    ].join('\n');
    const html = layout(escapeHtml(subject), [
      `Your code to confirm the payment of <strong>${escapeHtml(amount)}</strong> to <strong>${escapeHtml(n.merchantName)}</strong> is:`,
      `<span style="font-size:24px;letter-spacing:4px;font-weight:bold">${escapeHtml(code)}</span>`,
      `It expires at ${escapeHtml(new Date(n.expiresAt).toISOString())}. Never share it with anyone.`,
      'If you did not start this payment, ignore this message.',
    ]);
    return { subject, text, html };
  }
  const headline = HEADLINES[outcomeOf(n)](n.merchantName);
  const method = maskedLast4(n.last4);
  const lines = [
    `${headline}.`,
    `Amount: ${amount}`,
    ...(method ? [`Payment method: ${method}`] : []),
    `Reference: ${n.refundId ?? n.paymentId}`,
  ];
  const html = layout(escapeHtml(headline), [
    `${escapeHtml(headline)}.`,
    `Amount: <strong>${escapeHtml(amount)}</strong>`,
    ...(method ? [`Payment method: ${escapeHtml(method)}`] : []),
    `Reference: ${escapeHtml(n.refundId ?? n.paymentId)}`,
  ]);
  return { subject: headline, text: lines.join('\n'), html };
}
