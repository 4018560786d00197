import { expect, it } from 'vitest';
import { Iso20022Error, parse } from '../../src/iso20022/index.js';
import { describeWithShared, readSharedSample, sharedSampleFiles } from '../support/shared-reference.js';

/** Every variant of a sample with one leaf element removed, and with one leaf's text replaced by "x". */
function* mutations(xml: string): Generator<string> {
  for (const m of xml.matchAll(/<([A-Za-z]+)(?: [^>]*)?>[^<]*<\/\1>/g)) {
    const at = m.index;
    const end = at + m[0].length;
    yield xml.slice(0, at) + xml.slice(end);
    yield xml.slice(0, at) + m[0].replace(/>[^<]*</, '>x<') + xml.slice(end);
  }
}

describeWithShared('samples', 'the parser never fails with anything but a typed error', () => {
  it.each(sharedSampleFiles('camt'))('%s with any one leaf removed or corrupted', (file) => {
    const xml = readSharedSample(`camt/${file}`);
    let variants = 0;
    for (const v of mutations(xml)) {
      variants++;
      try {
        parse(v);
      } catch (e) {
        expect(e).toBeInstanceOf(Iso20022Error);
      }
    }
    expect(variants).toBeGreaterThan(0);
  });
});
