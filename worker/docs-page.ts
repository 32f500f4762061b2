// /docs: the OpenAPI document rendered as one self-contained HTML page (no scripts, no CDN),
// so it works offline, under a strict CSP and inside an iframe.

import { escapeHtml as esc } from '../shared/html';

type Json = Record<string, any>;

/** the descriptions' Markdown, as far as they use it: `code` spans, escaped */
export const markdown = (text: string | undefined): string =>
  esc(text ?? '').replace(/`([^`]+)`/g, (_m, code: string) => `<code>${code}</code>`);

/** an example body, collapsed: pixel arrays make them long */
const example = (what: string, value: unknown): string =>
  value === undefined ? '' : `<details><summary>${esc(what)}</summary><pre>${esc(typeof value === 'string' ? value : JSON.stringify(value))}</pre></details>`;

const refName = (schema: Json | undefined): string =>
  schema?.$ref ? String(schema.$ref).split('/').pop()! : schema?.type ? String(schema.type) : 'object';

function operation(path: string, method: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const body = op.requestBody?.content as Json | undefined;
  const rows: string[] = [];
  for (const p of params) rows.push(`<li><code>?${esc(p.name)}</code> ${markdown(p.schema?.description ?? p.description ?? '')}</li>`);
  for (const [type, media] of Object.entries(body ?? {})) rows.push(`<li>body <code>${esc(type)}</code>: <a href="#schema-${esc(refName(media.schema))}">${esc(refName(media.schema))}</a></li>`);
  const responses = Object.entries((op.responses ?? {}) as Json)
    .map(([status, r]) => `<tr><td><code>${esc(status)}</code></td><td>${markdown(r.description)}</td></tr>`)
    .join('');
  const examples = [
    ...Object.entries(body ?? {}).map(([type, media]) => example(`example request (${type})`, (media as Json).example)),
    ...Object.entries((op.responses ?? {}) as Json).map(([status, r]) => example(`example answer ${status}`, Object.values((r.content ?? {}) as Json)[0]?.example)),
  ].join('');
  return `<section id="${esc(method)}-${esc(path)}">
<h2><span class="m">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h2>
<p><strong>${markdown(op.summary)}</strong></p>${op.description ? `<p>${markdown(op.description)}</p>` : ''}
${rows.length ? `<ul>${rows.join('')}</ul>` : ''}
<table><tr><th>status</th><th>meaning</th></tr>${responses}</table>
${examples}
</section>`;
}

export function renderDocsPage(doc: Json): string {
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      toc.push(`<li><a href="#${esc(method)}-${esc(path)}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`);
      ops.push(operation(path, method, op as Json));
    }
  }
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Json)
    .map(([name, s]) => `<details id="schema-${esc(name)}"><summary><code>${esc(name)}</code></summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info?.title)} API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}code{white-space:nowrap}pre{background:#f5f5f5;padding:.75rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
section{border-top:1px solid #ddd;padding-top:.5rem}.m{background:#222;color:#fff;padding:0 .4rem;border-radius:3px;font-size:13px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
</style></head><body><main>
<h1>${esc(doc.info?.title)} <small>${esc(doc.info?.version)}</small></h1>
<p>${markdown(doc.info?.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<ul>${toc.join('')}</ul>
${ops.join('\n')}
<h2>Schemas</h2>
${schemas}
</main></body></html>`;
}
