/**
 * A self-contained HTML reference built from the OpenAPI document: no script from a CDN, so
 * /docs works on a machine without internet (bank networks often are such machines).
 */
interface OpenApiDoc {
  info: { title: string; description?: string };
  paths?: Record<string, Record<string, { summary?: string; description?: string; tags?: string[] } | undefined> | undefined>;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function renderDocs(doc: unknown): string {
  const d = doc as OpenApiDoc;
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(d.paths ?? {})) {
    for (const [method, op] of Object.entries(ops ?? {})) {
      if (!op || typeof op !== 'object' || !('summary' in op || 'description' in op)) continue;
      rows.push(
        `<tr><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}${
          op.description ? `<br><small>${esc(op.description)}</small>` : ''
        }</td></tr>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top}code{font-size:13px}</style>
</head><body><h1>${esc(d.info.title)}</h1><p>${esc(d.info.description ?? '')}</p>
<p>The machine-readable contract is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><tbody>${rows.join('\n')}</tbody></table></body></html>`;
}
