/**
 * Real-browser tests: playwright-core driving Debian's chromium (`/usr/bin/chromium`), headless,
 * with the network features that would reach outside this machine switched off. Pages are served
 * by Railyard on loopback; nothing else is contacted.
 *
 * Without chromium the browser suites skip with that reason, except under CI, where `.ci/run`
 * installs it and a missing browser is a failure.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { describe } from 'vitest';

export const CHROMIUM = process.env['RAILYARD_CHROMIUM'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

if (!hasChromium && process.env['CI']) {
  throw new Error(`browser tests need ${CHROMIUM} under CI (.ci/run installs Debian's chromium)`);
}

/** `describe` that skips, naming the reason, when this machine has no chromium. */
export const describeWithBrowser: typeof describe.skip = hasChromium
  ? describe
  : (((name: string, fn?: () => void) => describe.skip(`${name} (skipped: no chromium at ${CHROMIUM}; install Debian's chromium)`, fn ?? (() => undefined))) as typeof describe.skip);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
}

/** A fresh, isolated context (own cookies) at a given width: 1280 (desk) or 390 (phone). */
export async function openPage(browser: Browser, options: BrowserContextOptions & { width?: number } = {}): Promise<Page> {
  const width = options.width ?? 1280;
  const context = await browser.newContext({ viewport: { width, height: width > 600 ? 900 : 844 }, ...options });
  return context.newPage();
}

const axeSource = (): string => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. axe is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the page under test keeps
 * its real policy.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource());
  // A string, not a function: test code is compiled without the DOM's types.
  const result = (await page.evaluate(
    `axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })))`,
  )) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Screenshots are test artifacts: written under test-artifacts/screenshots (ignored by git, kept by CI). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = join(process.cwd(), 'test-artifacts', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects CSP violations the page reports (securitypolicyviolation events), for tests that assert none happen. */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript({
    content: `globalThis.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => globalThis.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });
  return async () => (await page.evaluate('globalThis.__cspViolations ?? []')) as string[];
}
