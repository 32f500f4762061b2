// the two HTML documents, rendered at build time (scripts/build-web.ts) into static files: / (the
// full tool) and /widget (the iframe variant). both are the widget markup from markup.ts plus the
// pages' script, referenced by its content hash so it can be cached for good. /widget's ?theme and
// ?size are applied by that script (page.ts): a static file cannot read its query.

import { escapeHtml as esc } from '../shared/html';
import { DEFAULT_SIZE, WIDGET_CSS, widgetMarkup } from './markup';

/** scripts only from this origin, styles inline, calls only to this origin; any site may frame the pages */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors *";


const PAGE_CSS = `
html{background:var(--mw-page)}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;font:15px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--mw-text);-webkit-text-size-adjust:100%}
a{color:var(--mw-accent);text-underline-offset:3px;text-decoration-thickness:1px}
a:focus-visible{outline:2px solid var(--mw-accent);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:16px;top:12px;background:var(--mw-surface);padding:6px 10px;z-index:1}
.wrap{width:100%;max-width:960px;margin:0 auto;padding:0 24px;box-sizing:border-box}
header{border-bottom:1px solid var(--mw-border);background:var(--mw-surface)}
header .wrap{display:flex;align-items:center;justify-content:space-between;gap:16px;min-height:60px}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;font-size:16px;color:var(--mw-text);text-decoration:none;letter-spacing:-.01em}
.logo{display:grid;place-items:center;width:28px;height:28px;border-radius:7px;background:var(--mw-accent);color:var(--mw-on-accent);font-size:15px;font-weight:800}
nav{display:flex;gap:20px;font-size:14px}
nav a{color:var(--mw-muted);text-decoration:none;font-weight:500}
nav a:hover{color:var(--mw-text)}
main{flex:1;padding:40px 0 48px}
h1{font-size:28px;line-height:1.2;letter-spacing:-.02em;margin:0 0 8px}
.lead{margin:0 0 28px;color:var(--mw-muted);max-width:60ch}
.card{background:var(--mw-surface);border:1px solid var(--mw-border);border-radius:16px;box-shadow:var(--mw-shadow);padding:28px}
.meta{display:flex;flex-wrap:wrap;gap:8px 24px;margin:20px 0 0;padding:0;list-style:none;font-size:13.5px;color:var(--mw-muted)}
.meta b{color:var(--mw-text);font-weight:600;font-variant-numeric:tabular-nums}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--mw-track);padding:1px 5px;border-radius:4px}
footer{border-top:1px solid var(--mw-border);font-size:13px;color:var(--mw-muted)}
footer .wrap{padding-top:18px;padding-bottom:18px}
@media (max-width:760px){main{padding:24px 0 32px}.wrap{padding:0 16px}.card{padding:18px}h1{font-size:23px}nav{gap:14px}.lead{margin-bottom:20px}}
`;

/**
 * /widget?theme=dark would first paint light: the file cannot read its query, and the module script
 * that does runs after the first paint. so until page.ts removes data-pending from <html>, the frame
 * is transparent and empty, as before it loaded; with scripts off, the widget shows as it is
 */
const PENDING_CSS = 'html[data-pending],html[data-pending] body{background:none}html[data-pending] body{visibility:hidden}';
const PENDING_NOSCRIPT_CSS = 'html[data-pending],html[data-pending] body{background:var(--mw-surface)}html[data-pending] body{visibility:visible}';

interface DocumentOptions {
  title: string;
  theme: string;
  css: string;
  body: string;
  script: string;
  description?: string;
  /** hidden until the script took the query (PENDING_CSS) */
  pending?: boolean;
}

function document(opts: DocumentOptions): string {
  return `<!doctype html>
<html lang="en" data-theme="${opts.theme}"${opts.pending ? ' data-pending' : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<link rel="icon" href="data:,">${opts.description ? `\n<meta name="description" content="${esc(opts.description)}">` : ''}
<style>${opts.css}${opts.pending ? PENDING_CSS : ''}</style>${opts.pending ? `\n<noscript><style>${PENDING_NOSCRIPT_CSS}</style></noscript>` : ''}
<script type="module" src="${esc(opts.script)}"></script>
</head>
${opts.body}
</html>`;
}

export function renderPage(script: string): string {
  const body = `<body>
<a class="skip" href="#draw">Skip to the drawing pad</a>
<header><div class="wrap">
<a class="brand" href="/"><span class="logo" aria-hidden="true">7</span>mnist-edge</a>
<nav aria-label="Main"><a href="/widget">Widget</a><a href="/docs">API</a></nav>
</div></header>
<main id="draw"><div class="wrap">
<h1>Draw a digit</h1>
<p class="lead">A small neural network trained in TypeScript on the 60,000 MNIST digits recognizes it as you draw, or from a photo, on a Cloudflare Worker or right here in your browser.</p>
<section class="card" aria-label="Digit recognizer" data-mnist-widget>
${widgetMarkup({ variant: 'page', theme: 'auto', size: 320 })}
</section>
<ul class="meta" aria-label="The model">
<li>Model <b data-role="model-version" data-testid="model-version">…</b></li>
<li>Test accuracy <b data-role="model-accuracy" data-testid="model-accuracy">…</b> on the 10,000 MNIST test digits</li>
</ul>
</div></main>
<footer><div class="wrap">Put it on any site with <code>&lt;script src="/embed.js"&gt;</code>, an iframe of <a href="/widget">/widget</a> or the <code>/client.js</code> module. The JSON API: <a href="/docs">/docs</a>.</div></footer>
</body>`;
  return document({
    title: 'Draw a digit · mnist-edge',
    description: 'Handwritten digit recognition with a network trained in TypeScript, served from Cloudflare Workers.',
    theme: 'auto',
    css: `${WIDGET_CSS}${PAGE_CSS}`,
    body,
    script,
  });
}

/** read by screen readers, not shown */
const VISUALLY_HIDDEN = '.vh{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}';

/** the theme and size before page.ts applies the query: what /widget shows without one */
export const WIDGET_DEFAULTS = { theme: 'light', size: DEFAULT_SIZE } as const;

export function renderWidget(script: string): string {
  const { theme, size } = WIDGET_DEFAULTS;
  // the frame is the card: one surface edge to edge (browsers paint a frame whose colour scheme differs
  // from the host page's opaque anyway), the widget centred in it
  const css = `${WIDGET_CSS}html,body{margin:0;min-height:100%;background:var(--mw-surface)}main{display:flex;justify-content:center}.mw--compact{border:0;border-radius:0}${VISUALLY_HIDDEN}`;
  return document({
    title: 'Draw a digit · mnist-edge widget',
    theme,
    pending: true,
    css,
    // a main landmark and a heading for screen readers, though the frame shows only the widget
    body: `<body>\n<main data-mnist-widget>\n<h1 class="vh">Draw a digit</h1>\n${widgetMarkup({ variant: 'compact', theme, size })}\n</main>\n</body>`,
    script,
  });
}
