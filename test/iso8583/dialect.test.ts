import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDialect, DialectError, Iso8583Error, loadDialect } from '../../src/iso8583/index.js';

const issuesOf = (doc: unknown): string[] => {
  try {
    createDialect(doc);
  } catch (e) {
    if (e instanceof DialectError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

const minimal = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
  name: 'bad', version: '1987', mti: { encoding: 'ascii' }, bitmap: { encoding: 'binary' }, fields, ...extra,
});

describe('dialect loading', () => {
  it('ships the four dialects with full ISO 87/93 tables', () => {
    for (const name of ['iso87-ascii', 'iso87-binary', 'iso93-ascii', 'demo-card']) {
      const d = loadDialect(name);
      expect(d.name).toBe(name);
      expect(Object.keys(d.definition.fields)).toHaveLength(127); // DE2..DE128
    }
    expect(loadDialect('iso87-ascii')).toBe(loadDialect('iso87-ascii'));
  });

  it('loads a dialect by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'railyard-dialect-'));
    const path = join(dir, 'mine.json');
    writeFileSync(path, JSON.stringify(minimal({ '3': { name: 'pc', type: 'n', length: 6, encoding: 'ascii' } }, { name: 'mine' })));
    expect(loadDialect(path).name).toBe('mine');
  });

  it('reports a missing dialect as DIALECT_NOT_FOUND', () => {
    expect(() => loadDialect('no-such-dialect')).toThrowError(expect.objectContaining({ code: 'DIALECT_NOT_FOUND' }));
    expect(() => loadDialect('no-such-dialect')).toThrowError(Iso8583Error);
  });

  it('checks the document against the JSON Schema, naming the field path', () => {
    expect(issuesOf(minimal({ '2': { name: 'PAN', type: 'n', length: 19, encoding: 'ascii', prefix: { type: 'LX', encoding: 'ascii' } } }))).toEqual([
      'fields.2.prefix.type: must be one of "L", "LL", "LLL", "LLLL", "LLLLL", "LLLLLL"',
    ]);
    expect(issuesOf(minimal({ '2': { name: 'PAN', type: 'q', length: 0, encoding: 'ascii', colour: 'red' } }))).toEqual([
      'fields.2.type: must be one of "n", "a", "an", "ans", "ns", "z", "x+n", "b"',
      'fields.2.length: must be >= 1',
      'fields.2.colour: is not allowed here',
    ]);
    expect(issuesOf({ name: 'x', version: '1987', bitmap: { encoding: 'binary' }, fields: {} })).toEqual(['mti: is required']);
    expect(issuesOf(minimal({ '55': { name: 'ICC', length: 255, composite: { kind: 'tlv', tags: { '9f02': { name: 'lower' } } } } }))).toEqual([
      'fields.55.composite.tags.9f02: is not allowed here',
    ]);
  });

  it('applies the consistency rules a schema cannot express', () => {
    expect(issuesOf(minimal({ '2': { name: 'PAN', type: 'n', length: 19, encoding: 'binary' } }))).toEqual([
      'fields.2.encoding: type n cannot use encoding binary',
    ]);
    expect(issuesOf(minimal({ '2': { name: 'PAN', type: 'n', length: 100, encoding: 'ascii', prefix: { type: 'LL', encoding: 'ascii' } } }))).toEqual([
      'fields.2.length: 100 does not fit a LL ascii prefix',
    ]);
    expect(issuesOf(minimal({ '2': { name: 'PAN', type: 'n', length: 19, encoding: 'bcd', prefix: { type: 'LL', encoding: 'bcd', counts: 'bytes' } } }))).toEqual([
      'fields.2.bcd.pad: a BCD field whose prefix counts bytes needs pad F (a 0 pad nibble would be read as a digit)',
    ]);
    expect(issuesOf(minimal({ '1': { name: 'bitmap', type: 'b', length: 8, encoding: 'binary' } }))).toEqual([
      'fields.1: field numbers run from 2 to 128 (0 is the MTI, 1 the secondary bitmap)',
    ]);
    expect(issuesOf(minimal({ '127': { name: 'p', length: 999, prefix: { type: 'LLL', encoding: 'ascii' }, composite: { kind: 'bitmap', bitmapBytes: 1, subfields: { '9': { name: 's', type: 'n', length: 1, encoding: 'ascii' } } } } }))).toEqual([
      'fields.127.composite.subfields.9: is beyond the 8 bits of the private bitmap',
    ]);
    expect(issuesOf(minimal({ '3': { name: 'pc', type: 'n', length: 6 } }))).toEqual(['fields.3.encoding: is required for a field that is not composite']);
  });

  it('DialectError lists every problem in its message', () => {
    expect(() => createDialect(minimal({ '2': { name: 'x', length: 1 } }), 'bank.json')).toThrowError(/invalid ISO 8583 dialect bank\.json:\n {2}fields\.2\.type/);
  });
});
