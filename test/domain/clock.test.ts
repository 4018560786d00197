import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';

describe('systemClock.sleep', () => {
  it('waits a year as a year (a Node timer alone would fire after 1 ms) and stops when aborted', async () => {
    const ac = new AbortController();
    let woke = false;
    const sleeping = systemClock.sleep(365 * 86_400_000, ac.signal).then(
      () => (woke = true),
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(woke).toBe(false);
    ac.abort(new Error('stop'));
    expect(String(await sleeping)).toContain('stop');
  });

  it('still yields once for a zero wait', async () => {
    let after = false;
    const p = systemClock.sleep(0).then(() => after);
    after = true;
    expect(await p).toBe(true);
  });
});
