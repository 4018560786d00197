import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The package's export map (ARCHITECTURE.md, library entry points): every subpath points at what
 * the build makes from a source file that exists, and each source exports what the contract names.
 */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | { types: string; default: string }>; bin: Record<string, string> };

const sourceOf = (target: string): string => target.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts');

describe('package exports', () => {
  it('every subpath maps to a built file of an existing source, with its declarations', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue; // ./package.json
      expect(existsSync(sourceOf(target.default)), `${subpath} -> ${target.default}`).toBe(true);
      expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
    }
    expect(pkg.bin.railyard).toBe('bin/railyard.js');
  });

  it('the entry points export what integrators use', async () => {
    const root = await import('../src/index.js');
    expect(typeof root.startRailyard).toBe('function');
    expect(typeof root.createRailyard).toBe('function');
    const connector = await import('../src/connector/index.js');
    expect(typeof connector.defineConnector).toBe('function');
    expect(typeof connector.runConnectorConformance).toBe('function');
    expect(connector.ok().kind).toBe('ok');
    const iso8583 = await import('../src/iso8583/index.js');
    const dialect = iso8583.loadDialect('iso87-ascii');
    const fields = { '0': '0800', '11': '000001', '70': '301' };
    expect(dialect.unpack(dialect.pack(fields))).toEqual(fields);
    const iso20022 = await import('../src/iso20022/index.js');
    expect(typeof iso20022.parse).toBe('function');
    expect(typeof iso20022.build).toBe('function');
  });
});
