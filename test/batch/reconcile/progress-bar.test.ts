import { describe, expect, it } from 'vitest';
import { ProgressBar, countBytes } from '../../../src/batch/reconcile/index.js';

function fakeStream(isTTY: boolean): { isTTY: boolean; columns: number; out: string[]; write(s: string): boolean } {
  return {
    isTTY,
    columns: 80,
    out: [],
    write(s: string) {
      this.out.push(s);
      return true;
    },
  };
}

describe('ProgressBar', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const s = fakeStream(false);
    const bar = new ProgressBar({ stream: s, total: 10 });
    for (let i = 0; i <= 10; i++) bar.update(i);
    bar.finish();
    expect(s.out).toEqual([]);
  });

  it('redraws at most once per interval and finishes with the final state on its own line', () => {
    const s = fakeStream(true);
    let now = 0;
    const bar = new ProgressBar({ stream: s, label: 'reconcile', total: 200, unit: 'bytes', intervalMs: 100, now: () => now });
    for (let i = 1; i <= 200; i++) {
      now = i * 2; // 2 ms per update: 400 ms in all
      bar.update(i);
    }
    expect(s.out.length).toBe(4);
    expect(s.out[0]).toBe('\rreconcile [..............................] 0% 1/200 bytes\x1b[K');
    bar.finish();
    expect(s.out.at(-2)).toBe('\rreconcile [##############################] 100% 200/200 bytes\x1b[K');
    expect(s.out.at(-1)).toBe('\n');
  });

  it('shows a running count without a total and never writes past the terminal width', () => {
    const s = fakeStream(true);
    s.columns = 20;
    const bar = new ProgressBar({ stream: s, label: 'a rather long label here', unit: 'entries' });
    bar.update(12345);
    expect(s.out[0]).toBe('\ra rather long label\x1b[K');
    const t = fakeStream(true);
    new ProgressBar({ stream: t, unit: 'entries' }).update(42);
    expect(t.out[0]).toBe('\r42 entries\x1b[K');
  });

  it('counts bytes of a source as they pass through', async () => {
    const seen: number[] = [];
    async function* src() {
      yield 'héllo';
      yield new Uint8Array(3);
    }
    const chunks: (string | Uint8Array)[] = [];
    for await (const c of countBytes(src(), (n) => seen.push(n))) chunks.push(c);
    expect(seen).toEqual([6, 9]);
    expect(chunks).toHaveLength(2);
  });
});
