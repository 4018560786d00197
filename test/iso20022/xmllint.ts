import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xsdPath } from '../../src/iso20022/xsd.js';

/** The native oracle: `xmllint --noout --schema`. Tests require it (Debian: libxml2-utils). */
export function xmllint(xml: string, messageType: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-xmllint-'));
  try {
    const file = join(dir, 'doc.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsdPath(messageType), file], { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
