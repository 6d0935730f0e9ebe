// render.ts: a request's results as HTML for the read-only result view:
// text, pretty JSON, structured content, images, embedded resources,
// prompt messages, and isError or a failure shown as an error, newest
// first with the earlier results of the same request below. Everything
// from a server is escaped; images are only inlined as data: URIs of
// image types with base64 data, and the page runs no script (see csp).
// Pure, so the escaping is tested.
import { isObject } from './catalog';
import type { Result } from './lsp_ext';

/** The Content-Security-Policy of the result view: no script, no network. */
export const CSP = "default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline';";

export function escapeHtml(s: string): string {
    return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Pretty JSON of a value; strings that hold JSON are pretty-printed too. */
export function prettyJson(v: unknown): string {
    return JSON.stringify(v, null, 2);
}

/** The whole page: the newest result, then the history. */
export function renderPage(history: readonly Result[]): string {
    const [latest, ...earlier] = history;
    const title = latest === undefined ? 'mcpls result' : `${latest.name} · ${latest.server}`;
    const body = latest === undefined ? '<p>No result yet.</p>' : renderResult(latest, true);
    const older = earlier.length === 0 ? '' :
        `<h2>Earlier results (${earlier.length})</h2>${earlier.map((r) => `<details><summary>${escapeHtml(headline(r))}</summary>${renderResult(r, false)}</details>`).join('')}`;
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}${older}</body></html>`;
}

function headline(r: Result): string {
    return `${outcomeMark(r)} ${r.time} · ${r.summary}`;
}

/** The sign of an outcome: ✓ done, ⊘ cancelled, ✖ failed (a protocol error or the tool's error result). */
export function outcomeMark(r: Result): string {
    if (r.ok) {
        return '✓';
    }
    return r.cancelled === true ? '⊘' : '✖';
}

/** One result: its heading, an error banner when it failed, then its content. */
export function renderResult(r: Result, heading: boolean): string {
    const parts: string[] = [];
    if (heading) {
        parts.push(`<h1>${escapeHtml(r.name)}</h1><p class="meta">${escapeHtml(r.kind)} <code>${escapeHtml(r.target)}</code> on <b>${escapeHtml(r.server)}</b> · ${escapeHtml(r.summary)} · ${escapeHtml(r.time)}</p>`);
    }
    if (r.isError) {
        parts.push(`<div class="error" role="alert"><b>The tool reported an error (isError)</b>${r.error !== undefined && r.error !== '' ? `: ${escapeHtml(r.error)}` : ''}</div>`);
    } else if (r.cancelled === true) {
        parts.push(`<div class="cancelled" role="status"><b>Cancelled</b>: ${escapeHtml(r.error ?? r.summary)}</div>`);
    } else if (!r.ok) {
        parts.push(`<div class="error" role="alert"><b>Failed</b>: ${escapeHtml(r.error ?? r.summary)}</div>`);
    }
    if (r.response !== undefined && r.response !== null) {
        parts.push(renderResponse(r.kind, r.response));
        parts.push(`<details><summary>Raw response</summary><pre>${escapeHtml(prettyJson(r.response))}</pre></details>`);
    }
    return `<section class="${r.ok ? 'ok' : r.cancelled === true ? 'cancelled' : 'failed'}">${parts.join('\n')}</section>`;
}

/** The MCP result by kind: tool content, prompt messages, resource contents. */
export function renderResponse(kind: string, response: unknown): string {
    if (!isObject(response)) {
        return `<pre>${escapeHtml(prettyJson(response))}</pre>`;
    }
    switch (kind) {
        case 'tool': {
            const out = contentList(response.content);
            if (response.structuredContent !== undefined) {
                out.push(`<h3>Structured content</h3><pre class="json">${escapeHtml(prettyJson(response.structuredContent))}</pre>`);
            }
            return out.join('\n');
        }
        case 'prompt': {
            const out: string[] = [];
            if (typeof response.description === 'string' && response.description !== '') {
                out.push(`<p class="meta">${escapeHtml(response.description)}</p>`);
            }
            const msgs = Array.isArray(response.messages) ? response.messages : [];
            for (const m of msgs) {
                const role = isObject(m) && typeof m.role === 'string' ? m.role : 'message';
                const content = isObject(m) ? [m.content] : [];
                out.push(`<div class="message"><div class="role">${escapeHtml(role)}</div>${contentList(content).join('\n')}</div>`);
            }
            return out.join('\n');
        }
        case 'resource':
            return (Array.isArray(response.contents) ? response.contents : []).map(resourceContents).join('\n');
    }
    return `<pre>${escapeHtml(prettyJson(response))}</pre>`;
}

function contentList(v: unknown): string[] {
    return (Array.isArray(v) ? v : []).map(contentBlock);
}

/** One MCP content block. */
export function contentBlock(c: unknown): string {
    if (!isObject(c)) {
        return `<pre>${escapeHtml(prettyJson(c))}</pre>`;
    }
    switch (c.type) {
        case 'text':
            return textBlock(typeof c.text === 'string' ? c.text : '');
        case 'image':
            return image(c.mimeType, c.data);
        case 'audio':
            return audio(c.mimeType, c.data);
        case 'resource_link':
            return `<p class="link">link: ${escapeHtml(str(c.name))} <code>${escapeHtml(str(c.uri))}</code></p>`;
        case 'resource':
            return resourceContents(c.resource);
    }
    return `<pre>${escapeHtml(prettyJson(c))}</pre>`;
}

/** Text, pretty-printed when it is a JSON object or array. */
export function textBlock(text: string): string {
    const t = text.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
        try {
            return `<pre class="json">${escapeHtml(prettyJson(JSON.parse(t)))}</pre>`;
        } catch {
            // Not JSON after all: shown as text.
        }
    }
    return `<pre class="text">${escapeHtml(text)}</pre>`;
}

function resourceContents(r: unknown): string {
    if (!isObject(r)) {
        return `<pre>${escapeHtml(prettyJson(r))}</pre>`;
    }
    const head = `<p class="meta"><code>${escapeHtml(str(r.uri))}</code>${typeof r.mimeType === 'string' ? ` · ${escapeHtml(r.mimeType)}` : ''}</p>`;
    if (typeof r.text === 'string') {
        return head + textBlock(r.text);
    }
    if (typeof r.blob === 'string') {
        if (typeof r.mimeType === 'string' && r.mimeType.startsWith('image/')) {
            return head + image(r.mimeType, r.blob);
        }
        return `${head}<p>${Math.floor((r.blob.length * 3) / 4)} bytes of binary data</p>`;
    }
    return head;
}

function str(v: unknown): string {
    return typeof v === 'string' ? v : '';
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** An inline image, only for raster types with base64 data (no SVG: it can carry script). */
export function image(mimeType: unknown, data: unknown): string {
    if (typeof mimeType !== 'string' || !IMAGE_TYPES.includes(mimeType) || typeof data !== 'string' || !BASE64.test(data)) {
        return `<p class="error">image not shown: ${escapeHtml(String(mimeType))} is not an inline image type or its data is not base64</p>`;
    }
    return `<img alt="${escapeHtml(mimeType)} image" src="data:${mimeType};base64,${data}">`;
}

function audio(mimeType: unknown, data: unknown): string {
    if (typeof mimeType !== 'string' || !/^audio\/[\w.+-]+$/.test(mimeType) || typeof data !== 'string' || !BASE64.test(data)) {
        return '<p class="error">audio not shown: unknown type or data</p>';
    }
    return `<audio controls src="data:${mimeType};base64,${data}"></audio>`;
}

const STYLE = `body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1em}
pre{background:var(--vscode-textCodeBlock-background);padding:.5em;overflow:auto;white-space:pre-wrap;word-break:break-word}
.meta{opacity:.8}.error{color:var(--vscode-errorForeground);border:1px solid var(--vscode-inputValidation-errorBorder);padding:.5em;margin:.5em 0}
.cancelled{border:1px solid var(--vscode-panel-border);padding:.5em;margin:.5em 0}
.message{border-left:3px solid var(--vscode-textLink-foreground);padding-left:.5em;margin:.5em 0}.role{font-weight:bold}
img{max-width:100%;image-rendering:pixelated;min-width:64px;border:1px solid var(--vscode-panel-border)}details{margin:.5em 0}`;
