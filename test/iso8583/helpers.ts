import { createDialect, type Dialect, type DialectDefinition, type FieldDefinition } from '../../src/iso8583/index.js';

/** Frame bytes from hex written with spaces/newlines for readability. */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** A dialect with ASCII MTI and binary bitmap and the given fields: frames start with 12 fixed bytes. */
export const dialectWith = (fields: Record<string, FieldDefinition>, extra: Partial<DialectDefinition> = {}): Dialect =>
  createDialect({
    name: 'unit',
    version: '1987',
    mti: { encoding: 'ascii' },
    bitmap: { encoding: 'binary' },
    ...extra,
    fields,
  });
