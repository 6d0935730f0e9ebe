// Tests of render.ts and history.ts: the result view's HTML (escaping
// first) and the history per request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ResultHistory, resultKey } from '../src/history';
import type { Result } from '../src/lsp_ext';
import { contentBlock, escapeHtml, image, outcomeMark, renderPage, renderResponse, renderResult, textBlock } from '../src/render';

const PNG = 'iVBORw0KGgo=';

function result(over: Partial<Result>): Result {
    return {
        uri: 'file:///ws/.mcp.json', request: 0, name: 'add', server: 'demo', kind: 'tool', target: 'add', ok: true, isError: false,
        summary: '3 ms · 1 item', durationMs: 3, time: '2026-11-26T12:00:00Z', response: { content: [{ type: 'text', text: '3' }] }, ...over,
    };
}

describe('escapeHtml', () => {
    it('escapes the five characters', () => {
        assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    });
});

describe('renderResult', () => {
    it('escapes everything a server sends', () => {
        const html = renderPage([result({
            name: '<b>n</b>', server: '<s>', target: '"t"', summary: '<img src=x onerror=alert(1)>',
            response: { content: [{ type: 'text', text: '<script>alert(1)</script>' }, { type: 'resource_link', name: '<i>', uri: 'x:"y"' }] },
        })]);
        assert.ok(!html.includes('<script>alert'), html);
        assert.ok(!html.includes('<img src=x'), html);
        assert.ok(!html.includes('<b>n</b>'));
        assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
        assert.ok(!html.includes('script-src') && html.includes("default-src 'none'"), 'CSP forbids scripts');
    });
    it('shows isError as an error', () => {
        const html = renderResult(result({ ok: false, isError: true, error: 'boom <x>' }), true);
        assert.match(html, /class="error" role="alert"><b>The tool reported an error \(isError\)<\/b>: boom &lt;x&gt;/);
    });
    it('shows a failure without a response', () => {
        const html = renderResult(result({ ok: false, error: 'connection refused', response: undefined }), true);
        assert.match(html, /<b>Failed<\/b>: connection refused/);
        assert.ok(!html.includes('Raw response'));
    });
    it('shows a cancelled call as cancelled, not failed', () => {
        const r = result({ ok: false, cancelled: true, error: 'cancelled after 1.2s', response: undefined });
        const html = renderResult(r, true);
        assert.match(html, /<section class="cancelled"><h1>/);
        assert.match(html, /class="cancelled" role="status"><b>Cancelled<\/b>: cancelled after 1.2s/);
        assert.ok(!html.includes('role="alert"'), html);
        assert.equal(outcomeMark(r), '⊘');
        assert.equal(outcomeMark(result({ ok: false, error: 'refused' })), '✖');
        assert.equal(outcomeMark(result({ ok: true })), '✓');
    });
    it('pretty-prints structured content and JSON text', () => {
        const html = renderResponse('tool', { content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { sum: 3 } });
        assert.ok(html.includes('<pre class="json">{\n  &quot;a&quot;: 1\n}</pre>'), html);
        assert.ok(html.includes('<h3>Structured content</h3><pre class="json">{\n  &quot;sum&quot;: 3\n}</pre>'), html);
    });
    it('renders prompt messages and resource contents', () => {
        const p = renderResponse('prompt', { description: 'Greets', messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }] });
        assert.match(p, /<div class="role">user<\/div><pre class="text">hi<\/pre>/);
        const r = renderResponse('resource', { contents: [{ uri: 'demo://logo.png', mimeType: 'image/png', blob: PNG }, { uri: 'demo://readme', text: '# hi' }] });
        assert.ok(r.includes(`<img alt="image/png image" src="data:image/png;base64,${PNG}">`), r);
        assert.ok(r.includes('<pre class="text"># hi</pre>'));
    });
});

describe('image', () => {
    const cases: { name: string; mime: unknown; data: unknown; shown: boolean }[] = [
        { name: 'png', mime: 'image/png', data: PNG, shown: true },
        { name: 'svg is refused', mime: 'image/svg+xml', data: PNG, shown: false },
        { name: 'data that breaks out of the attribute', mime: 'image/png', data: 'AAAA"><script>', shown: false },
        { name: 'a mime type that breaks out', mime: 'image/png"x', data: PNG, shown: false },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.equal(image(c.mime, c.data).startsWith('<img'), c.shown);
        });
    }
    it('through a content block', () => {
        assert.ok(contentBlock({ type: 'image', mimeType: 'image/png', data: PNG }).startsWith('<img'));
    });
    it('text that only looks like JSON stays text', () => {
        assert.equal(textBlock('{not json}'), '<pre class="text">{not json}</pre>');
    });
});

describe('ResultHistory', () => {
    it('keeps results newest first per request, capped, without repeats', () => {
        const h = new ResultHistory(2);
        const k = h.add(result({ time: 't1' }));
        h.add(result({ time: 't2' }));
        h.add(result({ time: 't2' }));
        h.add(result({ time: 't3' }));
        h.add(result({ request: 1, time: 'other' }));
        assert.deepEqual(h.get(k).map((r) => r.time), ['t3', 't2']);
        const page = renderPage(h.get(k));
        assert.match(page, /Earlier results \(1\)/);
    });
    it('keys ad-hoc calls by server and target', () => {
        assert.equal(resultKey(result({ request: -1, target: 'echo' })), 'file:///ws/.mcp.json#demo/tool/echo');
        assert.equal(resultKey(result({ request: 4 })), 'file:///ws/.mcp.json#4');
    });
});
