import { describe, expect, it } from 'vitest';
import { DuplicateInFlightError, InFlightTable, RecentKeys, isResponseMti, matchKey, requestMtiOf } from '../../src/iso8583/link/matcher.js';

describe('match keys', () => {
  it('default: MTI class + DE11 + DE41; a reply meets its request', () => {
    const req = { '0': '0100', '11': '000123', '41': 'TERM0001', '4': '000000001000' };
    const rep = { '0': '0110', '11': '000123', '41': 'TERM0001', '39': '00' };
    expect(matchKey(req)).toBe(matchKey(rep));
    expect(matchKey(req)).toBe('01|11=000123|41=TERM0001');
  });

  it('a different STAN, terminal or class is another key', () => {
    const base = { '0': '0100', '11': '000123', '41': 'TERM0001' };
    expect(matchKey({ ...base, '11': '000124' })).not.toBe(matchKey(base));
    expect(matchKey({ ...base, '41': 'TERM0002' })).not.toBe(matchKey(base));
    expect(matchKey({ ...base, '0': '0400' })).not.toBe(matchKey(base));
    expect(matchKey({ ...base, '0': '0200' })).not.toBe(matchKey(base));
  });

  it('repeats and advices meet their responses (0401 -> 0410, 0420 -> 0430)', () => {
    expect(matchKey({ '0': '0401', '11': '1' })).toBe(matchKey({ '0': '0410', '11': '1' }));
    expect(matchKey({ '0': '0420', '11': '1' })).toBe(matchKey({ '0': '0430', '11': '1' }));
    expect(requestMtiOf('0430')).toBe('0420');
    expect(requestMtiOf('0200')).toBe('0200');
    expect(isResponseMti('0810')).toBe(true);
    expect(isResponseMti('0800')).toBe(false);
  });

  it('per-MTI overrides: the longest prefix wins, replies use their request MTI', () => {
    const rules = { fields: ['11', '41'], overrides: { '08': ['11'], '0420': ['11', '37'] } };
    expect(matchKey({ '0': '0810', '11': '7', '41': 'X' }, rules)).toBe('08|11=7');
    expect(matchKey({ '0': '0430', '11': '7', '37': 'RRN1' }, rules)).toBe('04|11=7|37=RRN1');
    expect(matchKey({ '0': '0400', '11': '7', '41': 'X' }, rules)).toBe('04|11=7|41=X');
    expect(matchKey({ '0': '0100', '11': '7' }, { fields: ['11', '32'] })).toBe('01|11=7|32=');
  });
});

describe('the in-flight table', () => {
  it('refuses a second request under a key in flight, and frees the key when taken', () => {
    const t = new InFlightTable<string>();
    t.add('k', 'first');
    expect(() => t.add('k', 'second')).toThrow(DuplicateInFlightError);
    expect(t.take('k')).toBe('first');
    expect(t.take('k')).toBeUndefined();
    t.add('k', 'third');
    expect(t.size).toBe(1);
    expect(t.drain()).toEqual(['third']);
    expect(t.size).toBe(0);
  });

  it('recent keys are bounded', () => {
    const r = new RecentKeys(2);
    r.add('a');
    r.add('b');
    r.add('c');
    expect([r.has('a'), r.has('b'), r.has('c')]).toEqual([false, true, true]);
  });
});
