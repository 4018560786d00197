import { z } from '@hono/zod-openapi';
import { isCurrency } from '../domain/money.js';

/**
 * The API's shapes, once: the same zod schemas validate requests and generate /openapi.json.
 * Request objects are strict, so an unknown field is a 400 naming it, not silently ignored.
 */

const amount = z
  .number()
  .int('amount must be an integer number of minor units')
  .positive()
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ description: 'Integer minor units of the currency (cents for EUR).', example: 1999 });

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'currency must be three upper-case letters')
  .refine(isCurrency, 'currency is not an ISO 4217 code')
  .openapi({ example: 'EUR' });

const metadata = z
  .record(z.string().max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 metadata keys')
  .openapi({ example: { cart: 'c_123' } });

const CardInput = z
  .object({
    number: z.string().min(12).max(23).openapi({ example: '4242424242424242' }),
    exp_month: z.number().int().min(1).max(12),
    exp_year: z.number().int().min(2000).max(2100),
  })
  .strict();

const BankAccountInput = z
  .object({
    iban: z.string().min(15).max(42).openapi({ example: 'DE89370400440532013000' }),
    name: z.string().min(1).max(140).openapi({ example: 'Max Mustermann' }),
  })
  .strict();

const CardMethodInput = z.object({ type: z.literal('card'), card: CardInput }).strict();
const BankAccountMethodInput = z.object({ type: z.literal('bank_account'), bank_account: BankAccountInput }).strict();

/** What an `encrypted` payment method must decrypt to: validated by the same rules as a clear one. */
export const ClearPaymentMethodInput = z.discriminatedUnion('type', [CardMethodInput, BankAccountMethodInput]);

export const PaymentMethodInput = z
  .discriminatedUnion('type', [
    CardMethodInput,
    BankAccountMethodInput,
    z
      .object({
        type: z.literal('encrypted'),
        encrypted: z.string().min(1).max(16_384).openapi({
          description:
            'The JSON of a card or bank_account method, encrypted to a key of GET /v1/encryption-keys: a JWE compact serialization ' +
            '(alg RSA-OAEP-256 or ECDH-ES+A256KW, enc A256GCM, kid in the header), or base64 DER CMS AuthEnvelopedData with AES-GCM. ' +
            'AES-CBC EnvelopedData only for merchants configured for legacy CBC. Any envelope that cannot be opened gets one answer: ' +
            '422 encrypted_payload_undecryptable.',
        }),
      })
      .strict(),
  ])
  .openapi('PaymentMethodInput');

export const CreatePaymentBody = z
  .object({
    amount,
    currency,
    order_id: z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'order_id must be printable ASCII without spaces').openapi({ example: 'order-1001' }),
    connector: z.string().min(1).max(40).optional(),
    payment_method: PaymentMethodInput,
    customer: z.object({ email: z.email().max(254) }).strict(),
    confirmation: z.enum(['otp', 'none']).optional().openapi({ description: 'otp (default): the customer confirms with a one-time code' }),
    description: z.string().max(500).optional(),
    metadata: metadata.optional(),
  })
  .strict()
  .openapi('CreatePayment');

export const ConfirmBody = z
  .object({ otp: z.string().regex(/^\d{6}$/, 'otp must be six digits') })
  .strict()
  .openapi('ConfirmPayment');

export const RefundBody = z
  .object({
    amount: amount.optional().openapi({ description: 'Defaults to the whole remaining amount of the payment' }),
    reason: z.string().max(500).optional(),
  })
  .strict()
  .openapi('CreateRefund');

export const PaymentStatus = z.enum([
  'processing',
  'requires_confirmation',
  'authorized',
  'succeeded',
  'failed',
  'expired',
  'canceled',
  'reversed',
  'requires_review',
]);

export const Payment = z
  .object({
    id: z.string().openapi({ example: 'pay_01JD5W3Q8Z0000000000000000' }),
    object: z.literal('payment'),
    status: PaymentStatus,
    amount: z.number().int(),
    amount_refunded: z.number().int(),
    currency: z.string(),
    order_id: z.string(),
    connector: z.string(),
    payment_method: z.object({
      type: z.enum(['card', 'bank_account']),
      last4: z.string(),
      fingerprint: z.string(),
      exp_month: z.number().int().optional(),
      exp_year: z.number().int().optional(),
      holder_name: z.string().optional(),
    }),
    customer: z.object({ email: z.string() }),
    confirmation: z.enum(['otp', 'none']),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()).nullable(),
    next_action: z
      .object({ type: z.literal('confirm_otp'), confirm_url: z.string(), resend_url: z.string() })
      .optional(),
    failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
    batch: z
      .object({
        status: z.enum(['queued', 'filed', 'sent', 'pending', 'accepted', 'rejected', 'not_sent']),
        settlement: z.enum(['unsettled', 'batched', 'settled', 'returned', 'mismatch', 'rejected']),
        cutoff_at: z.string().openapi({ description: 'The cut-off the transfer waits for (or left at)' }),
        execution_date: z.string(),
        end_to_end_id: z.string(),
        file_id: z.string().optional(),
        message_id: z.string().optional(),
        payment_information_id: z.string().optional(),
      })
      .optional()
      .openapi({ description: 'Batch rails only: where the transfer stands in the file cycle' }),
    version: z.number().int().openapi({ description: 'Increases with every change; webhooks carry it for ordering' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Payment');

export const Refund = z
  .object({
    id: z.string(),
    object: z.literal('refund'),
    payment_id: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed', 'requires_review']),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string().nullable(),
    failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Refund');

export const TimelineEntry = z
  .object({
    at: z.string(),
    kind: z.enum(['transition', 'bank', 'note']),
    subject: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    data: z.unknown(),
  })
  .openapi('TimelineEntry');

export const Event = z
  .object({
    id: z.string(),
    object: z.literal('event'),
    type: z.string(),
    payment_id: z.string(),
    refund_id: z.string().nullable(),
    version: z.number().int(),
    data: z.unknown(),
    created_at: z.string(),
  })
  .openapi('Event');

export const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() }).openapi(name);

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    param: z.string().optional(),
    request_id: z.string(),
  })
  .openapi('Problem');

export const IdParam = (prefix: string) =>
  z.object({ id: z.string().regex(new RegExp(`^${prefix}_[0-9A-Z]{26}$`), `must be a ${prefix}_ id`) });

export const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(10),
    starting_after: z.string().regex(/^[a-z]+_[0-9A-Z]{26}$/).optional(),
    status: PaymentStatus.optional(),
  })
  .strict();

export const EventsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(10),
    starting_after: z.string().regex(/^evt_[0-9A-Z]{26}$/).optional(),
    type: z.string().max(64).optional(),
    payment_id: z.string().regex(/^pay_[0-9A-Z]{26}$/).optional(),
  })
  .strict();

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).openapi({ description: 'Required: replays return the stored response' }),
});

/** On confirm and cancel the key is optional (they were safe to repeat by state alone before); with one, a retry never counts twice. */
export const OptionalIdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({ description: 'Optional: replays return the stored response' }),
});
