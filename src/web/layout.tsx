/**
 * The one HTML frame every page shares: language, viewport for phones (390 px) and desks (1280 px),
 * our stylesheet, and our module scripts. No inline script or style anywhere: the CSP forbids them.
 */
import type { Child } from 'hono/jsx';
import type { Locale } from './i18n.js';

export interface LayoutProps {
  title: string;
  locale: Locale;
  /** URLs of stylesheets, all under Railyard's own origin. */
  styles?: readonly string[];
  /** URLs of module scripts, all under Railyard's own origin. */
  scripts?: readonly string[];
  children?: Child;
}

export function Layout(props: LayoutProps) {
  return (
    <html lang={props.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        {(props.styles ?? []).map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        {(props.scripts ?? []).map((src) => (
          <script type="module" src={src}></script>
        ))}
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** Renders a page as a complete HTML document. */
export function renderPage(node: unknown): string {
  return `<!doctype html>${String(node)}`;
}
