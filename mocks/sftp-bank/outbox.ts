import { existsSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../src/domain/clock.js';
import type { SftpBankLedger } from './ledger.js';

/**
 * Writes the bank's files into `out/`. Normally through a dot-prefixed temporary name renamed into
 * place, so a poller that ignores dot-names never sees a partial file. The half-written break
 * does what careless servers do: the final name at once, holding half the bytes for ~1 s.
 */
export const HALF_WRITTEN_DELAY_MS = 1000;

export class Outbox {
  constructor(
    readonly dir: string,
    private readonly ledger: SftpBankLedger,
    private readonly clock: Clock,
  ) {}

  /** `base.xml`, else `base_2.xml`, `base_3.xml`, ...: never a name used before, even if the customer deleted the file. */
  uniqueName(base: string): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? `${base}.xml` : `${base}_${n}.xml`;
      if (!this.ledger.written.has(name) && !existsSync(join(this.dir, name))) return name;
    }
  }

  async write(name: string, content: string): Promise<void> {
    const temp = join(this.dir, `.${name}.tmp`);
    await writeFile(temp, content);
    await rename(temp, join(this.dir, name));
    this.ledger.wrote(name);
  }

  /** Writes the first half now; the returned promise settles when the rest is there. */
  async writeHalf(name: string, content: string): Promise<{ rest: Promise<void> }> {
    const bytes = Buffer.from(content);
    const half = Math.floor(bytes.length / 2);
    await writeFile(join(this.dir, name), bytes.subarray(0, half));
    this.ledger.wrote(name);
    const rest = this.clock.sleep(HALF_WRITTEN_DELAY_MS).then(() => appendFile(join(this.dir, name), bytes.subarray(half)));
    return { rest };
  }
}
