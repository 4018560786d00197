/**
 * A refusal the caller can act on. `status` is the HTTP status the API answers with, `code` a
 * stable machine-readable code, `param` the request field at fault. Messages never carry values.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly extra?: Record<string, string | number>,
  ) {
    super(message);
  }
}

export const notFound = (what: string, param = 'id'): EngineError => new EngineError(404, 'resource_missing', `no such ${what}`, param);
