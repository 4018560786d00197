import { afterAll, describe, expect, it } from 'vitest';
import { build, buildTo, disposeXsdCache, Iso20022BuildError, Iso20022RulesError, validate } from '../../src/iso20022/index.js';
import { pain001Model } from '../../bench/iso20022-data.js';
import { itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { pain001Full } from './fixtures.js';

xsdGateOffWithoutSharedXsd();

afterAll(() => disposeXsdCache());

describe('buildTo: a document streamed in pieces', () => {
  it('writes exactly the bytes build returns, in pieces of about 64 kB', () => {
    for (const model of [pain001Full(), pain001Model(2_000)]) {
      const pieces: string[] = [];
      buildTo('pain.001.001.09', model, (p) => pieces.push(p));
      const whole = build('pain.001.001.09', model);
      expect(pieces.join('')).toBe(whole);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(70_000);
    }
    const big: string[] = [];
    buildTo('pain.001.001.09', pain001Model(2_000), (p) => big.push(p));
    expect(big.length).toBeGreaterThan(5);
  });

  itWithShared('xsd', 'the pieces of a 2,000-transaction document make one document valid against the official XSD', () => {
    const big: string[] = [];
    buildTo('pain.001.001.09', pain001Model(2_000), (p) => big.push(p));
    expect(validate(big.join(''))).toEqual({ messageType: 'pain.001.001.09', valid: true, findings: [] });
  });

  it('applies the profile rules as build does, and leaves no stream open after an error', () => {
    expect(() => buildTo('pain.001.001.09', pain001Full(), () => undefined, { profile: 'sepa' })).toThrow(Iso20022RulesError);
    // an error in the middle of writing: the sink is released all the same
    const bad = pain001Full();
    bad.paymentInformation[0]!.debtor = { name: 'Max\u0001Mustermann' };
    const pieces: string[] = [];
    expect(() => buildTo('pain.001.001.09', bad, (p) => pieces.push(p))).toThrow(Iso20022BuildError);
    expect(build('pain.001.001.09', pain001Full())).toMatch(/^<\?xml/);
  });
});
