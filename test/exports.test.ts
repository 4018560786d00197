import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The package's export map (ARCHITECTURE.md, library entry points): every subpath points at what
 * the build makes from a source file that exists, and each source exports what the contract names.
 */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | { types: string; default: string }>; bin: Record<string, string> };

const sourceOf = (target: string): string => target.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts');

/**
 * Every bare module a source file loads at run time, following its relative imports: static
 * imports, re-exports, side-effect imports and dynamic `import()`. Type-only imports are erased by
 * the compiler and are not followed.
 */
function runtimeModules(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'";]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1]),
      ...[...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]),
      ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]),
    ];
    for (const s of specifiers) {
      if (s === undefined) continue;
      if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
      else bare.add(s);
    }
  };
  visit(resolve(entry));
  return bare;
}

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
    expect('runConnectorConformance' in connector).toBe(false);
    const testing = await import('../src/connector/testing.js');
    expect(typeof testing.runConnectorConformance).toBe('function');
    expect(typeof testing.createHarness).toBe('function');
    expect(testing.CONFORMANCE_TESTS).toContain('happy path');
    expect(connector.ok().kind).toBe('ok');
    const iso8583 = await import('../src/iso8583/index.js');
    const dialect = iso8583.loadDialect('iso87-ascii');
    const fields = { '0': '0800', '11': '000001', '70': '301' };
    expect(dialect.unpack(dialect.pack(fields))).toEqual(fields);
    const iso20022 = await import('../src/iso20022/index.js');
    expect(typeof iso20022.parse).toBe('function');
    expect(typeof iso20022.build).toBe('function');
  });

  // connectors import `railyard/connector` in production, where vitest (a dev tool) is absent
  it('railyard/connector loads no test tools; the kit is railyard/connector/testing, with vitest an optional peer', () => {
    const connector = runtimeModules(sourceOf((pkg.exports['./connector'] as { default: string }).default));
    expect([...connector].filter((m) => m === 'vitest' || m.startsWith('vitest/') || m.startsWith('@vitest/'))).toEqual([]);
    const testing = pkg.exports['./connector/testing'] as { default: string };
    expect(testing.default).toBe('./dist/src/connector/testing.js');
    expect(runtimeModules(sourceOf(testing.default)).has('vitest')).toBe(true);
    const full = JSON.parse(readFileSync('package.json', 'utf8')) as { peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; dependencies: Record<string, string> };
    expect(full.peerDependencies?.vitest).toBeDefined();
    expect(full.peerDependenciesMeta?.vitest?.optional).toBe(true);
    expect(full.dependencies.vitest).toBeUndefined();
  });
});
