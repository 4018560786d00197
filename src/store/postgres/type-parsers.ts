import pg from 'pg';
import type { CustomTypesConfig } from 'pg';

const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;

/** Amounts and epoch-ms timestamps are BIGINT; they must arrive as numbers, never silently rounded. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

/** JSON is handed to the shared codec as text, exactly as SQLite returns it. */
function keepText(text: string): string {
  return text;
}

/**
 * Per-pool parsers (given to `new Pool({ types })`), so other pg users in the same process keep
 * the driver's global defaults.
 */
export const pgTypeParsers: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === INT8) return parseInt8;
      if (oid === JSON_OID || oid === JSONB) return keepText;
    }
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};
