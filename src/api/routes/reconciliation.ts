import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { reconciliationBreaks, reconciliationCsv, reconciliationReport } from '../../batch/report.js';
import type { Store } from '../../store/types.js';
import type { ApiEnv } from '../context.js';
import { ProblemSchema } from '../schemas.js';

const problem = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ProblemSchema } } };

const Break = z
  .object({
    object: z.literal('reconciliation_break'),
    connector: z.string(),
    type: z.enum(['MISSING_IN_BANK', 'MISSING_IN_OURS', 'AMOUNT_MISMATCH', 'CURRENCY_MISMATCH', 'DUPLICATE', 'STATUS_CONFLICT', 'RETURNED', 'REVERSED', 'BATCH_NOT_EXPLODED', 'BALANCE_DRIFT', 'SEQUENCE_GAP']),
    key: z.string(),
    report_date: z.string(),
    detail: z.string(),
    payment_id: z.string().optional(),
    refund_id: z.string().optional(),
    end_to_end_id: z.string().optional(),
    entry_reference: z.string().optional(),
    account_servicer_reference: z.string().optional(),
    expected: z.object({ amount: z.number().int(), currency: z.string() }).optional(),
    actual: z.object({ amount: z.number().int(), currency: z.string() }).optional(),
    counterparty: z.string().optional().openapi({ description: 'The customer account, masked' }),
  })
  .openapi('ReconciliationBreak');

const Report = z
  .object({
    object: z.literal('reconciliation_report'),
    date: z.string(),
    statements: z.array(z.object({ connector: z.string(), statement_id: z.string(), summary: z.unknown() })),
    counts: z.record(z.string(), z.number().int()),
    breaks: z.array(Break),
  })
  .openapi('ReconciliationReport');

const report = createRoute({
  method: 'get',
  path: '/v1/reconciliation/reports/{date}',
  tags: ['reconciliation'],
  summary: 'Statements read and reconciliation breaks found for one statement date (JSON, or CSV with Accept: text/csv or ?format=csv)',
  security: [{ bearerAuth: [] }],
  request: {
    params: z.object({ date: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD') }),
    query: z.object({ format: z.enum(['json', 'csv']).optional() }),
  },
  responses: {
    200: {
      description: 'The report',
      content: { 'application/json': { schema: Report }, 'text/csv': { schema: z.string() } },
    },
    400: problem,
    401: problem,
  },
});

export function reconciliationRoutes(app: OpenAPIHono<ApiEnv>, store: Store): void {
  app.openapi(report, async (c) => {
    const { date } = c.req.valid('param');
    const merchantId = c.get('merchant').id;
    const csv = c.req.valid('query').format === 'csv' || (c.req.valid('query').format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (csv) {
      const body = reconciliationCsv(await reconciliationBreaks(store, date, { merchantId }));
      return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="reconciliation-${date}.csv"` });
    }
    return c.json((await reconciliationReport(store, date, { merchantId })) as z.infer<typeof Report>, 200);
  });
}
