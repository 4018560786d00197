import { describe, expect, it } from 'vitest';
import { FileNameError, renderFileName, validateNameTemplate, type FileNameVars } from '../../../src/batch/outbound/naming.js';

const at = Date.parse('2026-11-27T15:04:05.250Z'); // 16:04:05 in Berlin
const vars: FileNameVars = { bank: 'demo-batch', at, timeZone: 'Europe/Berlin', seq: 42, messageId: 'RY20261127000042' };
const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof FileNameError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('renderFileName', () => {
  it('fills every placeholder, date and time in the bank zone', () => {
    expect(renderFileName('{bank}_pain001_{date}_{time}_{seq:6}.xml', vars)).toBe('demo-batch_pain001_20261127_160405_000042.xml');
    expect(renderFileName('{msgid}.xml', vars)).toBe('RY20261127000042.xml');
    expect(renderFileName('out-{seq}.xml', vars)).toBe('out-42.xml');
    expect(renderFileName('{date}{time}-{seq:3}', { ...vars, timeZone: 'UTC' })).toBe('20261127150405-042');
  });

  it('the local date can differ from the UTC date', () => {
    const lateUtc = Date.parse('2026-11-27T23:30:00Z');
    expect(renderFileName('{date}-{seq}', { ...vars, at: lateUtc })).toBe('20261128-42');
  });

  it('two files in the same second get different names', () => {
    const t = '{bank}_{date}_{time}_{seq:6}.xml';
    const a = renderFileName(t, { ...vars, seq: 7 });
    const b = renderFileName(t, { ...vars, at: at + 400, seq: 8 });
    expect(a).not.toBe(b);
    const m = '{bank}_{date}{time}_{msgid}.xml';
    expect(renderFileName(m, { ...vars, messageId: 'A1' })).not.toBe(renderFileName(m, { ...vars, messageId: 'A2' }));
  });

  it('never truncates a sequence longer than its width', () => {
    expect(renderFileName('f{seq:3}', { ...vars, seq: 123456 })).toBe('f123456');
    expect(renderFileName('f{seq:4}', { ...vars, seq: 12345678901234567890n })).toBe('f12345678901234567890');
  });

  it('refuses values that would leave the safe set', () => {
    expect(codeOf(() => renderFileName('{bank}-{seq}', { ...vars, bank: '../etc' }))).toBe('bad_value');
    expect(codeOf(() => renderFileName('{msgid}', { ...vars, messageId: 'a/b' }))).toBe('bad_value');
    expect(codeOf(() => renderFileName('{msgid}', { ...vars, messageId: 'x.y' }))).toBe('bad_value');
    expect(codeOf(() => renderFileName('{seq}', { ...vars, seq: -1 }))).toBe('bad_value');
    expect(codeOf(() => renderFileName('{seq}', { ...vars, seq: 1.5 }))).toBe('bad_value');
  });
});

describe('validateNameTemplate', () => {
  it('accepts a safe template with a unique part', () => {
    expect(validateNameTemplate('{bank}_{date}_{seq:6}.xml')).toBe('{bank}_{date}_{seq:6}.xml');
    expect(validateNameTemplate('{msgid}.xml.pgp')).toBe('{msgid}.xml.pgp');
  });
  it.each([
    ['{bank}_{date}_{time}.xml', 'not_unique'],
    ['pain001.xml', 'not_unique'],
    ['out/{seq}.xml', 'unsafe_path'],
    ['out\\{seq}.xml', 'unsafe_path'],
    ['..{seq}.xml', 'unsafe_path'],
    ['a..{seq}', 'unsafe_path'],
    ['.{seq}.xml', 'unsafe_path'],
    ['{seq} copy.xml', 'unsafe_character'],
    ['{seq}:x.xml', 'unsafe_character'],
    ['{seq}ü.xml', 'unsafe_character'],
    ['{sequence}.xml', 'unknown_placeholder'],
    ['{seq:99}.xml', 'unknown_placeholder'],
    ['{seq:}.xml', 'unknown_placeholder'],
    ['', 'bad_value'],
  ])('refuses %j (%s)', (template, code) => {
    expect(codeOf(() => validateNameTemplate(template))).toBe(code);
  });
  it('an unclosed brace is literal text and therefore refused', () => {
    expect(codeOf(() => validateNameTemplate('{seq}{bank'))).toBe('unsafe_character');
  });
});
