import type { ZodError } from 'zod';
import { problem, type Problem } from './problem.js';

const HEADER_NAMES: Record<string, string> = { 'idempotency-key': 'Idempotency-Key', authorization: 'Authorization' };

/**
 * Turns the first zod issue into a problem naming the field (`customer.email`,
 * `payment_method.card.number`). The message comes from the schema, never from the value.
 */
export function validationProblem(requestId: string, target: string, error: ZodError): Problem {
  const issue = error.issues[0];
  if (!issue) return problem(requestId, 400, 'invalid_request', 'the request is invalid');
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const param = path ? `${path}.${key}` : key;
    return problem(requestId, 400, 'unknown_field', `unknown field "${param}"`, param);
  }
  if (target === 'header') {
    const name = HEADER_NAMES[path] ?? path;
    return problem(requestId, 400, name === 'Idempotency-Key' ? 'idempotency_key_required' : 'invalid_header', `header ${name}: ${issue.message}`, name);
  }
  const param = path || target;
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  return problem(requestId, 400, missing ? 'parameter_missing' : 'parameter_invalid', `${param}: ${missing ? 'is required' : issue.message}`, param);
}
