/** Where the bar draws: process.stderr in the CLI, a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressBarOptions {
  stream: ProgressStream;
  label?: string;
  /** Known end (bytes of the file, say); without it the bar shows a running count. */
  total?: number;
  unit?: string;
  /** Minimum time between redraws. Default 100 ms. */
  intervalMs?: number;
  now?: () => number;
}

const WIDTH = 30;

/**
 * A one-line progress display for `railyard reconcile FILE`. It draws only on a terminal (a pipe
 * or a log file would fill with carriage returns) and at most once per interval, so calling
 * `update` for each of 100k entries costs a clock read, not a write.
 */
export class ProgressBar {
  private readonly enabled: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private last = Number.NEGATIVE_INFINITY;
  private current = 0;
  private total: number | undefined;

  constructor(private readonly options: ProgressBarOptions) {
    this.enabled = options.stream.isTTY === true;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.total = options.total;
  }

  update(current: number, total?: number): void {
    this.current = current;
    if (total !== undefined) this.total = total;
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    this.draw();
  }

  /** Draws the final state and ends the line (on a terminal only). */
  finish(): void {
    if (!this.enabled) return;
    this.draw();
    this.options.stream.write('\n');
  }

  private draw(): void {
    const label = this.options.label ? `${this.options.label} ` : '';
    const unit = this.options.unit ? ` ${this.options.unit}` : '';
    let line: string;
    if (this.total !== undefined && this.total > 0) {
      const ratio = Math.min(1, Math.max(0, this.current / this.total));
      const filled = Math.round(ratio * WIDTH);
      line = `${label}[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${this.current}/${this.total}${unit}`;
    } else {
      line = `${label}${this.current}${unit}`;
    }
    const cols = this.options.stream.columns;
    if (cols !== undefined && cols > 1 && line.length >= cols) line = line.slice(0, cols - 1);
    // \x1b[K clears what a longer previous line left behind
    this.options.stream.write(`\r${line}\x1b[K`);
  }
}

/** Passes a byte source through, reporting the running byte count: progress against a file size. */
export async function* countBytes(source: AsyncIterable<string | Uint8Array>, onBytes: (total: number) => void): AsyncGenerator<string | Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    onBytes(total);
    yield chunk;
  }
}
