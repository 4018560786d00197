import { describe, expect, it } from 'vitest';
import { csrfToken, csrfTokenValid, sameOriginRequest } from '../../src/web/csrf.js';
import { contentSecurityPolicy, pageHeaders } from '../../src/web/headers.js';
import { formatMoney, negotiateLocale, translator } from '../../src/web/i18n.js';

const secret = new Uint8Array(32).fill(7);
const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] ?? null });

describe('CSRF tokens', () => {
  it('are bound to the session and the purpose', () => {
    const t = csrfToken(secret, 'console', 'sess-1');
    expect(csrfTokenValid(secret, 'console', 'sess-1', t)).toBe(true);
    expect(csrfTokenValid(secret, 'console', 'sess-2', t)).toBe(false);
    expect(csrfTokenValid(secret, 'checkout', 'sess-1', t)).toBe(false);
    expect(csrfTokenValid(new Uint8Array(32), 'console', 'sess-1', t)).toBe(false);
  });
  it('refuse absent, non-string, truncated and oversized tokens', () => {
    const t = csrfToken(secret, 'console', 's');
    for (const bad of [undefined, null, '', 42, t.slice(1), `${t}x`, 'a'.repeat(10_000)]) expect(csrfTokenValid(secret, 'console', 's', bad)).toBe(false);
  });
  it('refuse cross-site requests by Sec-Fetch-Site and Origin', () => {
    const own = 'http://127.0.0.1:8080';
    expect(sameOriginRequest(headers({ 'sec-fetch-site': 'same-origin', origin: own }), own)).toBe(true);
    expect(sameOriginRequest(headers({}), own)).toBe(true);
    expect(sameOriginRequest(headers({ 'sec-fetch-site': 'cross-site' }), own)).toBe(false);
    expect(sameOriginRequest(headers({ 'sec-fetch-site': 'same-site' }), own)).toBe(false);
    expect(sameOriginRequest(headers({ origin: 'http://evil.example' }), own)).toBe(false);
  });
});

describe('page headers', () => {
  it('forbid inline script, foreign assets and framing by default', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(pageHeaders()['x-frame-options']).toBe('DENY');
    expect(pageHeaders()['cache-control']).toBe('no-store');
  });
  it('list only bare origins as frame ancestors, so no directive can be smuggled in', () => {
    const csp = contentSecurityPolicy({ frameAncestors: ['https://shop.example', "https://x.example; script-src 'unsafe-inline'", 'javascript:alert(1)'] });
    expect(csp).toContain('frame-ancestors https://shop.example');
    expect(csp).not.toContain('unsafe-inline');
    expect(pageHeaders({ frameAncestors: ['https://shop.example'] })['x-frame-options']).toBeUndefined();
  });
});

describe('languages and money', () => {
  it('negotiate English or German from Accept-Language, explicit choice first', () => {
    expect(negotiateLocale('de-DE,de;q=0.9,en;q=0.8')).toBe('de');
    expect(negotiateLocale('fr-FR, en;q=0.5, de;q=0.7')).toBe('de');
    expect(negotiateLocale('fr')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
    expect(negotiateLocale('de', 'en')).toBe('en');
    expect(negotiateLocale('en', 'xx')).toBe('en');
  });
  it('format integer minor units exactly, with the currency’s digits', () => {
    expect(formatMoney(1050, 'EUR', 'en')).toBe('€10.50');
    expect(formatMoney(1050, 'EUR', 'de')).toBe('10,50\u00a0€');
    expect(formatMoney(1050, 'JPY', 'en')).toBe('JP¥1,050');
    expect(formatMoney(-5, 'EUR', 'en')).toBe('-€0.05');
    expect(formatMoney(900719925474099, 'EUR', 'en')).toBe('€9,007,199,254,740.99');
  });
  it('translate with values and keep unknown placeholders visible', () => {
    const t = translator({ en: { hi: 'Hello {name} {x}' }, de: { hi: 'Hallo {name} {x}' } }, 'de');
    expect(t('hi', { name: 'Ada' })).toBe('Hallo Ada {x}');
  });
});
