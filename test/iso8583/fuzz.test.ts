import { describe, expect, it } from 'vitest';
import { loadDialect } from '../../src/iso8583/index.js';
import { fuzz } from './fuzz-core.js';
import { ebcdicVariant } from './generate.js';

const FRAMES = Number(process.env['FUZZ_FRAMES'] ?? 100_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x8583);

describe('iso8583 fuzzing', () => {
  it(`decodes ${FRAMES} random and mutated frames with only Iso8583Error and exact re-encoding`, () => {
    const shipped = ['demo-card', 'iso87-binary', 'iso87-ascii', 'iso93-ascii'].map((n) => loadDialect(n));
    const dialects = [...shipped, ebcdicVariant(loadDialect('demo-card').definition, 'cp037')];
    const started = Date.now();
    const stats = fuzz(dialects, FRAMES, SEED);
    expect(stats.failures).toEqual([]);
    expect(stats.frames).toBe(FRAMES);
    // The generator must exercise both outcomes, or the properties above hold vacuously.
    expect(stats.decoded).toBeGreaterThan(FRAMES / 50);
    expect(stats.rejected).toBeGreaterThan(FRAMES / 2);
    expect(Object.keys(stats.byCode).length).toBeGreaterThanOrEqual(8);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
