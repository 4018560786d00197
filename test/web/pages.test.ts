import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assetFile, mountAssets } from '../../src/web/assets.js';
import { securePages } from '../../src/web/headers.js';
import { Layout, renderPage } from '../../src/web/layout.js';
import { describeWithBrowser, launchBrowser, openPage, saveScreenshot, seriousAxeViolations, watchCspViolations } from '../support/browser.js';

const fixtures = join(import.meta.dirname, 'fixtures');

it('asset paths cannot leave their directory or serve unknown types', () => {
  expect(assetFile(fixtures, 'hello.js')).toBe(join(fixtures, 'hello.js'));
  for (const bad of ['../pages.test.ts', '..%2fx.js', 'a/../../x.js', '.hidden.js', 'x\\y.js', '/etc/passwd', 'hello.ts', '', 'a//b.js']) {
    expect(assetFile(fixtures, bad), bad).toBeUndefined();
  }
});

describeWithBrowser('a page in a real browser under the page policy', () => {
  let server: ServerType;
  let base = '';
  let browser: Browser;

  beforeAll(async () => {
    const app = new Hono();
    app.use('*', securePages());
    mountAssets(app, '/assets', fixtures);
    app.get('/page', (c) =>
      c.html(
        renderPage(
          jsx(Layout, { title: 'Test page', locale: 'en', scripts: ['/assets/hello.js'] }, jsx('main', {}, jsx('h1', {}, 'Hello'), jsx('p', { id: 'out' }, 'waiting'))),
        ),
      ),
    );
    // An inline script, as an injected one would be: the policy must stop it.
    app.get('/inline', (c) => c.html('<!doctype html><html lang="en"><head><title>x</title></head><body><p id="out">clean</p><script>document.getElementById("out").textContent="injected"</script></body></html>'));
    await new Promise<void>((ready) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
        base = `http://127.0.0.1:${info.port}`;
        ready();
      });
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('runs our own script, passes axe, and is framed by nobody', async () => {
    const page = await openPage(browser);
    const violations = await watchCspViolations(page);
    const res = await page.goto(`${base}/page`);
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res?.headers()['x-frame-options']).toBe('DENY');
    await expect.poll(() => page.textContent('#out')).toBe('script ran');
    expect(await violations()).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'web-layout');
    await page.context().close();
  });

  it('blocks an inline script and reports the violation', async () => {
    const page = await openPage(browser, { width: 390 });
    const violations = await watchCspViolations(page);
    await page.goto(`${base}/inline`);
    await expect.poll(violations).toEqual([expect.stringContaining('script-src')]);
    expect(await page.textContent('#out')).toBe('clean');
    await page.context().close();
  });
});
