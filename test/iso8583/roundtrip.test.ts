/** Property: for random valid field maps, unpack(pack(f)) deep-equals f and pack(unpack(b)) equals b. */
import { describe, expect, it } from 'vitest';
import { loadDialect, type Dialect } from '../../src/iso8583/index.js';
import { ebcdicVariant, randomFields, rng } from './generate.js';

const ebcdic = ebcdicVariant(loadDialect('iso87-ascii').definition, 'cp1047');

const DIALECTS: Dialect[] = [...['iso87-ascii', 'iso87-binary', 'iso93-ascii', 'demo-card'].map((n) => loadDialect(n)), ebcdic];

describe('pack and unpack are exact inverses', () => {
  for (const d of DIALECTS) {
    it(`${d.name}: 2000 random messages`, () => {
      const r = rng(d.name.length * 7919);
      for (let i = 0; i < 2000; i++) {
        const fields = randomFields(r, d.definition, 0.3);
        const frame = d.pack(fields);
        const back = d.unpack(frame);
        expect(back).toEqual(fields);
        expect(Buffer.from(d.pack(back)).equals(Buffer.from(frame))).toBe(true);
      }
    });
  }
});
