/**
 * A sum of minor units that never loses precision but stays in plain numbers while it can: a
 * BigInt per entry would allocate 100k times for a statement whose total fits in a double.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  add(v: number): void {
    if (Math.abs(this.small) + Math.abs(v) > Number.MAX_SAFE_INTEGER) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
    this.small += v;
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}
