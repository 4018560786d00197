/**
 * String -> payment indexes. Identifiers are unique in practice, so the single index is stored
 * bare and an array is only allocated on a collision: 100k payments cost 100k map slots, not 100k
 * arrays.
 */
export class IndexMap {
  private readonly map = new Map<string, number | number[]>();

  add(key: string, index: number): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, index);
    else if (typeof cur === 'number') this.map.set(key, [cur, index]);
    else cur.push(index);
  }

  /** The first index for which `accept` holds, preferring insertion order; or the first if none does. */
  find(key: string, accept: (index: number) => boolean): number | undefined {
    const cur = this.map.get(key);
    if (cur === undefined || typeof cur === 'number') return cur;
    for (const i of cur) if (accept(i)) return i;
    return cur[0];
  }

  all(key: string): readonly number[] {
    const cur = this.map.get(key);
    if (cur === undefined) return [];
    return typeof cur === 'number' ? [cur] : cur;
  }
}
