/**
 * The field JSON shape shared by the library, the CLI and connectors: keys are field numbers ("0"
 * is the MTI), plain values are strings (binary ones upper-case hex), composite values are objects
 * keyed by subfield number or TLV tag.
 */
export type FieldValue = string | FieldMap;
export interface FieldMap {
  [key: string]: FieldValue;
}

export const isFieldObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
