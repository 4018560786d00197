/**
 * The fuzz loop: valid frames from random field maps, then mutated frames (bit flips, truncation,
 * extension, length-prefix corruption, byte overwrites) and fully random frames. The properties:
 * unpack throws nothing but Iso8583Error, and any frame that unpacks packs back to the same bytes.
 */
import { Iso8583Error, type Dialect } from '../../src/iso8583/index.js';
import { mutate, prefixSites, randomFields, rng, type Mutation } from './generate.js';

export interface FuzzStats {
  frames: number;
  decoded: number;
  rejected: number;
  byCode: Record<string, number>;
  /** Problems found: empty when the properties hold. */
  failures: string[];
}

const MUTATIONS: readonly Mutation[] = ['flip', 'truncate', 'extend', 'prefix', 'byte', 'random'];

export const fuzz = (dialects: readonly Dialect[], frames: number, seed: number): FuzzStats => {
  const r = rng(seed);
  const stats: FuzzStats = { frames: 0, decoded: 0, rejected: 0, byCode: {}, failures: [] };
  const fail = (msg: string): void => {
    if (stats.failures.length < 20) stats.failures.push(msg);
  };
  let d = dialects[0];
  let base: Uint8Array = new Uint8Array(0);
  let sites: Array<{ at: number; width: number }> = [];
  while (stats.frames < frames && d !== undefined) {
    // A fresh valid base frame every 32 mutations keeps coverage broad without paying prefixSites often.
    if (stats.frames % 32 === 0) {
      d = dialects[Math.floor(r() * dialects.length)] ?? d;
      const fields = randomFields(r, d.definition);
      base = d.pack(fields);
      sites = prefixSites(d, fields, base.length);
    }
    const kind = MUTATIONS[Math.floor(r() * MUTATIONS.length)] ?? 'flip';
    const frame = stats.frames % 32 === 0 ? base : mutate(r, base, kind, sites);
    stats.frames++;
    let decoded;
    try {
      decoded = d.unpack(frame);
    } catch (e) {
      if (!(e instanceof Iso8583Error)) {
        fail(`${d.name} seed ${seed} frame ${stats.frames}: non-codec exception ${String(e)}`);
        continue;
      }
      stats.rejected++;
      stats.byCode[e.code] = (stats.byCode[e.code] ?? 0) + 1;
      continue;
    }
    stats.decoded++;
    try {
      const again = d.pack(decoded);
      if (Buffer.compare(Buffer.from(again), Buffer.from(frame)) !== 0) {
        fail(`${d.name} seed ${seed} frame ${stats.frames} (${kind}): re-encoding differs: ${Buffer.from(frame).toString('hex')}`);
      }
    } catch (e) {
      fail(`${d.name} seed ${seed} frame ${stats.frames} (${kind}): decoded frame does not re-encode: ${String(e)} ${Buffer.from(frame).toString('hex')}`);
    }
  }
  return stats;
};
