import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { disableXsdGate, enableXsdGate, warmXsd, xsdGateOffReason } from '../../src/iso20022/xsd.js';

/**
 * The ISO 20022 reference data (official XSDs, bank samples) lives in `../shared/iso20022` next to
 * the project root. It is not part of the project: a clone of the repository alone has no
 * `../shared`, and its tests must still pass. Checks that need the reference data use the wrappers
 * below, which skip them with the reason in the test title when it is absent. CI always has it: with
 * `CI` set, a missing directory fails loudly at import instead, so CI cannot skip the checks silently.
 */

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SHARED_ISO20022_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'iso20022');

/** The official schemas: `RAILYARD_ISO20022_XSD_DIR` when set (as for the XSD gate), else `../shared/iso20022/xsd`. */
export const SHARED_XSD_DIR = process.env['RAILYARD_ISO20022_XSD_DIR'] ?? join(SHARED_ISO20022_DIR, 'xsd');

export const SHARED_SAMPLES_DIR = join(SHARED_ISO20022_DIR, 'samples');

// One schema the project emits and one sample stand for the whole set: the directories are either
// there as published or absent; a half-copied directory should fail its checks, not skip them.
export const hasSharedXsd = existsSync(join(SHARED_XSD_DIR, 'pain.001.001.09.xsd'));
export const hasSharedSamples = existsSync(join(SHARED_SAMPLES_DIR, 'camt')) && existsSync(join(SHARED_SAMPLES_DIR, 'pain'));

export const NEEDS_SHARED_XSD = 'needs the official ISO 20022 XSDs from ../shared/iso20022/xsd, absent in a clone alone; CI has them';
export const NEEDS_SHARED_SAMPLES = 'needs the ISO 20022 bank samples from ../shared/iso20022/samples, absent in a clone alone; CI has them';

/** What a check needs from `../shared/iso20022`. */
export type SharedNeed = 'xsd' | 'samples' | 'xsd+samples';

function isCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

if (isCi() && !(hasSharedXsd && hasSharedSamples)) {
  throw new Error(
    `CI is set but the ISO 20022 reference data is missing (xsd: ${hasSharedXsd ? 'present' : `absent from ${SHARED_XSD_DIR}`}, samples: ${hasSharedSamples ? 'present' : `absent from ${SHARED_SAMPLES_DIR}`}): CI must run every check that uses ../shared/iso20022, never skip it`,
  );
}

function missing(need: SharedNeed): string | undefined {
  const reasons: string[] = [];
  if (need !== 'samples' && !hasSharedXsd) reasons.push(NEEDS_SHARED_XSD);
  if (need !== 'xsd' && !hasSharedSamples) reasons.push(NEEDS_SHARED_SAMPLES);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** Whether `need` is present (always true under CI: the import above has failed otherwise). */
export function hasShared(need: SharedNeed): boolean {
  return missing(need) === undefined;
}

/** Title of a skipped check: the reason is part of it, so the test report says why. */
function titled(name: string, reason: string | undefined): string {
  return reason === undefined ? name : `${name} [skipped: ${reason}]`;
}

/** `describe` for a suite that needs the reference data: skipped with its reason when absent. */
export function describeWithShared(need: SharedNeed, name: string, fn: () => void): void {
  const reason = missing(need);
  // Skipped on purpose, never silently: the reason is in the title (see the module comment).
  describe.skipIf(reason !== undefined)(titled(name, reason), fn);
}

/** `it` for one check that needs the reference data: skipped with its reason when absent. */
export function itWithShared(need: SharedNeed, name: string, fn: () => unknown, timeout?: number): void {
  const reason = missing(need);
  // Skipped on purpose, never silently: the reason is in the title (see the module comment).
  it.skipIf(reason !== undefined)(titled(name, reason), fn, timeout);
}

/**
 * For tests that need outbound messages built but do not check them against the official schemas:
 * where the schemas are absent, the XSD gate is off for the enclosing file or suite (as the sandbox
 * does), so their assertions on the content still run. Where the schemas are present, the gate stays
 * on and every message they build is still checked.
 */
export function xsdGateOffWithoutSharedXsd(): void {
  if (hasSharedXsd) return;
  // Off at once, not in a hook: some files build their fixtures while the tests are collected.
  // Each test file runs in its own process, so this never reaches another file.
  disableXsdGate(NEEDS_SHARED_XSD);
  afterAll(() => enableXsdGate());
}

/** A sample file's text (`camt/…` or `pain/…`); only call it inside a check that needs `samples`. */
export function readSharedSample(rel: string): string {
  return readFileSync(join(SHARED_SAMPLES_DIR, rel), 'utf8');
}

/**
 * The sample files of a folder (`camt`, `pain`). Where the samples are absent the suite using them
 * is skipped; one placeholder name keeps a skipped row in the report (an empty `it.each` would not).
 */
export function sharedSampleFiles(folder: string): string[] {
  return hasSharedSamples ? readdirSync(join(SHARED_SAMPLES_DIR, folder)) : [`(${folder} samples absent)`];
}

/**
 * Loads the XSD engine and compiles the schemas of `types` before a test measures time: the first
 * validation in a process starts libxml2 and compiles its schema synchronously (about 0.4 s here,
 * more on a loaded machine), which a test with a 500 ms call timeout would see as a bank timeout.
 * A no-op while the gate is off.
 */
export function warmXsdGate(types: readonly string[]): void {
  warmXsd(types);
}
