import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * RFC 9457 problem details. Every error the API returns has this shape, with a stable `code`,
 * the request field at fault in `param`, and the `request_id` to quote to support. Never a stack.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  param?: string;
  request_id: string;
  [extra: string]: string | number | undefined;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export const PROBLEM_TYPE_BASE = 'https://railyard.dev/problems/';

export function problem(
  requestId: string,
  status: number,
  code: string,
  detail: string,
  param?: string,
  extra?: Record<string, string | number>,
): Problem {
  return {
    type: PROBLEM_TYPE_BASE + code,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(param !== undefined ? { param } : {}),
    request_id: requestId,
    ...extra,
  };
}

export function problemResponse(c: Context, p: Problem): Response {
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, { 'content-type': 'application/problem+json' });
}
