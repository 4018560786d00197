import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Card numbers, codes and keys are kept out by construction (Secret<T>,
 * masked views); these redaction paths are the second line of defence for anything that slips.
 */
const REDACT = [
  'req.headers.authorization',
  'headers.authorization',
  '*.number',
  '*.card.number',
  '*.iban',
  '*.otp',
  '*.code',
  '*.encrypted',
  '*.key',
  '*.secret',
  'payment_method.card.number',
  'payment_method.bank_account.iban',
  'body.payment_method',
  'body.otp',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = {
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'railyard' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
