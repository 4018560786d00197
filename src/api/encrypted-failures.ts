/**
 * Counts envelopes that could not be opened, per merchant, over a sliding window. Past `max` in
 * `windowMs`, the merchant's encrypted submissions are refused until the window has room again:
 * an attacker probing envelopes with a stolen API key gets a handful of tries, not the hundreds a
 * decryption oracle needs. Counts live in this process's memory (several processes each count on
 * their own, so the effective limit is `max` times the number of processes).
 */
export class EncryptedFailureLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #inFlight = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * Milliseconds until the merchant may submit again, or 0 when it may now. Envelopes still being
   * opened count as possible failures: otherwise a burst of parallel probes would all pass the
   * check before the first of them is counted.
   */
  blockedFor(merchantId: string): number {
    const times = this.#recent(merchantId);
    const pending = this.#inFlight.get(merchantId) ?? 0;
    if (times.length + pending < this.max) return 0;
    if (times.length < this.max) return 1_000;
    return Math.max(1, times[times.length - this.max]! + this.windowMs - this.now());
  }

  /** An envelope of this merchant is being opened; `leave` when its answer is decided. */
  enter(merchantId: string): void {
    this.#inFlight.set(merchantId, (this.#inFlight.get(merchantId) ?? 0) + 1);
  }

  leave(merchantId: string): void {
    const n = (this.#inFlight.get(merchantId) ?? 1) - 1;
    if (n > 0) this.#inFlight.set(merchantId, n);
    else this.#inFlight.delete(merchantId);
  }

  /** Records one failure; true when this one reached the limit (the moment to raise the alarm). */
  record(merchantId: string): boolean {
    const times = this.#recent(merchantId);
    times.push(this.now());
    this.#failures.set(merchantId, times);
    return times.length === this.max;
  }

  #recent(merchantId: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.#failures.get(merchantId) ?? []).filter((t) => t > since);
    if (times.length === 0) this.#failures.delete(merchantId);
    // keep at most `max` entries: older ones no longer decide anything
    return times.slice(-this.max);
  }
}
