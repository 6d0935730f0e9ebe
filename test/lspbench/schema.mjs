#!/usr/bin/env node
// schema.mjs: the LSP driver of the schema-driven benchmark (issue 4). It
// speaks LSP over stdio to one server (mcpls serve or
// vscode-json-language-server), opens the document written by
// schema-doc.mjs, waits until the server validates request arguments (for
// mcpls: until the catalogs arrived from the demo server), then measures
// edit -> diagnostics (each edit breaks one argument's type, applied to the
// original text), completion round trips and RSS. It records, per edit, the
// diagnostics the server reports on the edited line, for the comparison in
// schema-table.mjs.
//
//   node schema.mjs --server CMD --doc DOC --plan PLAN --out OUT.json
//        [--schema SCHEMA.json] [--init-options JSON] [--iterations N] [--completions N] [--ready-timeout-ms MS]
//        [--wait-connected 1]  (mcpls: also wait until every server is connected)
//
// Run it from a folder whose node_modules holds vscode-languageserver-protocol
// (lspbench's copy in .cache/lspbench): NODE_PATH is honoured.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const require = createRequire(resolve(process.cwd(), 'noop.js'));
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');

function args() {
    const o = { iterations: 50, readyTimeoutMs: 120000, timeoutMs: 60000 };
    const a = process.argv.slice(2);
    for (let i = 0; i < a.length; i += 2) {
        const k = a[i].replace(/^--/, '').replace(/-(.)/g, (_, c) => c.toUpperCase());
        o[k] = a[i + 1];
    }
    o.completions ??= o.iterations; // samples per completion position
    for (const k of ['iterations', 'completions', 'readyTimeoutMs', 'timeoutMs']) o[k] = Number(o[k]);
    if (!o.server || !o.doc || !o.plan || !o.out) {
        console.error('usage: node schema.mjs --server CMD --doc DOC --plan PLAN --out OUT.json [--schema S] [--init-options JSON] [--iterations N]');
        process.exit(2);
    }
    return o;
}

const o = args();
const text = readFileSync(o.doc, 'utf8');
const plan = JSON.parse(readFileSync(o.plan, 'utf8'));
const docUri = pathToFileURL(resolve(o.doc)).href;
const now = () => performance.now();
const result = { server: o.server, doc: { path: o.doc, bytes: Buffer.byteLength(text), lines: text.split('\n').length }, ok: false, metrics: {}, edits: [] };

function rss(pid) {
    try {
        const s = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
        return { VmRSS_MiB: kb('VmRSS') / 1024, VmHWM_MiB: kb('VmHWM') / 1024 };
    } catch { return null; }
}
function stats(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
    return { n: s.length, min: s[0], p50: q(0.5), p99: q(0.99), max: s[s.length - 1] };
}

const child = spawn('/bin/sh', ['-c', `exec ${o.server}`], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
child.on('exit', (code, sig) => { if (!done) fail(`server exited (code ${code}, signal ${sig}); stderr: ${stderr}`); });
const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
let done = false;

let seq = 0;
const waiters = new Set();
const states = {};
conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== docUri && decodeURIComponent(p.uri) !== decodeURIComponent(docUri)) return;
    const rec = { seq: ++seq, t: now(), version: p.version, diagnostics: p.diagnostics ?? [] };
    for (const w of waiters) if (w.match(rec)) { waiters.delete(w); w.resolve(rec); }
});
conn.onNotification('mcp/serverState', (p) => { states[p?.name ?? p?.server ?? '?'] = p?.state ?? p?.status; });
const settings = { json: { validate: { enable: true }, schemas: o.schema ? [{ fileMatch: [resolve(o.doc).split('/').pop()], url: pathToFileURL(resolve(o.schema)).href }] : [] } };
conn.onRequest((method, params) => {
    if (method === 'workspace/configuration') return (params?.items ?? []).map((it) => (it.section ? it.section.split('.').reduce((a, k) => a?.[k], settings) ?? null : settings));
    return null;
});
conn.listen();

function waitPublish(match, ms, what) {
    return new Promise((res, rej) => {
        const w = { match, resolve: (r) => { clearTimeout(timer); res(r); } };
        const timer = setTimeout(() => { waiters.delete(w); rej(new Error(`${what}: no publishDiagnostics within ${ms} ms`)); }, ms);
        waiters.add(w);
    });
}
function fail(m) {
    result.error = m;
    writeFileSync(o.out, JSON.stringify(result, null, 2));
    console.error(`schema.mjs: ${m}`);
    process.exit(1);
}
const onLine = (diags, line) => diags.filter((d) => d.range.start.line <= line && d.range.end.line >= line);
const edited = (e) => {
    const lines = text.split('\n');
    lines[e.line] = lines[e.line].slice(0, e.character) + e.newText + lines[e.line].slice(e.character + e.length);
    return lines.join('\n');
};

// allConnected waits until every server of the document is connected
// (mcp/serverState), so that edits are measured with every catalog in and
// no connection still being set up.
async function allConnected(deadline) {
    const names = Object.keys(JSON.parse(text).mcpServers ?? {});
    const connected = () => names.filter((n) => states[n] === 'connected').length;
    while (connected() < names.length) {
        if (now() > deadline) fail(`${connected()} of ${names.length} servers connected within ${o.readyTimeoutMs} ms; states: ${JSON.stringify(states)}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

let version = 1;
async function change(newText, what, ms = o.timeoutMs, until = () => true) {
    version++;
    const v = version, s = seq;
    const t0 = now();
    conn.sendNotification('textDocument/didChange', { textDocument: { uri: docUri, version: v }, contentChanges: [{ text: newText }] });
    const pub = await waitPublish((r) => r.seq > s && (r.version == null || r.version >= v) && until(r), ms, what);
    return { pub, ms: pub.t - t0 };
}

async function main() {
    let t0 = now();
    const init = await conn.sendRequest('initialize', {
        processId: process.pid, rootUri: pathToFileURL(resolve(o.doc, '..')).href,
        initializationOptions: o.initOptions ? JSON.parse(o.initOptions) : undefined,
        capabilities: {
            workspace: { configuration: true },
            textDocument: {
                completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
                publishDiagnostics: { versionSupport: true },
            },
            // mcpls announces each server's connection state to an editor that asks.
            ...(o.waitConnected ? { experimental: { mcpls: { serverState: true } } } : {}),
        },
    });
    result.serverInfo = init.serverInfo ?? null;
    result.metrics.initialize = now() - t0;
    conn.sendNotification('initialized', {});
    conn.sendNotification('workspace/didChangeConfiguration', { settings });

    // Open, then wait until validating: the first edit's diagnostic must show
    // on its line. mcpls republishes when catalogs arrive; it is re-sent every
    // 5 s in case a publish came before the catalogs.
    const probe = plan.edits[0];
    let s = seq;
    t0 = now();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'json', version, text } });
    const first = await waitPublish((r) => r.seq > s, o.timeoutMs, 'didOpen');
    result.metrics['open.first'] = first.t - t0;
    result.openDiagnostics = first.diagnostics.length;
    const deadline = now() + o.readyTimeoutMs;
    let ready = null;
    while (!ready && now() < deadline) {
        try {
            ready = (await change(edited(probe), 'ready probe', 5000, (r) => onLine(r.diagnostics, probe.line).length > 0)).pub;
        } catch { /* not yet: try again */ }
    }
    if (!ready) fail(`arguments never validated within ${o.readyTimeoutMs} ms: no diagnostic on line ${probe.line + 1} after "${probe.label}"; server states: ${JSON.stringify(states)}`);
    if (o.waitConnected) await allConnected(deadline);
    result.metrics.ready = now() - t0;
    result.serverStates = states;
    const base = (await change(text, 'baseline')).pub;
    result.baseline = { count: base.diagnostics.length, sample: base.diagnostics.slice(0, 3).map((d) => `${d.range.start.line + 1}: ${d.message}`) };
    result.rssAfterReady = rss(child.pid);

    const editMs = [];
    for (let i = 0; i < o.iterations; i++) {
        const e = plan.edits[i % plan.edits.length];
        const { pub, ms } = await change(edited(e), e.label);
        editMs.push(ms);
        result.edits.push({
            label: e.label, line: e.line, ms, added: pub.diagnostics.length - result.baseline.count,
            atEdit: onLine(pub.diagnostics, e.line).map((d) => ({ line: d.range.start.line, character: d.range.start.character, endCharacter: d.range.end.character, message: d.message })),
        });
    }
    result.metrics.edit = stats(editMs);
    await change(text, 'restore');

    for (const c of plan.completions) {
        const ms = [];
        let items = 0;
        for (let i = 0; i < o.completions; i++) {
            t0 = now();
            const r = await conn.sendRequest('textDocument/completion', { textDocument: { uri: docUri }, position: { line: c.line, character: c.character } });
            ms.push(now() - t0);
            items = Array.isArray(r) ? r.length : (r?.items?.length ?? 0);
        }
        result.metrics[`completion[${c.label}]`] = { ...stats(ms), items, samples: ms.map((x) => +x.toFixed(2)) };
    }
    result.rss = rss(child.pid);
    result.ok = true;
}

main().then(async () => {
    done = true;
    writeFileSync(o.out, JSON.stringify(result, null, 2));
    try { await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]); conn.sendNotification('exit'); } catch { /* dying anyway */ }
    setTimeout(() => { child.kill(); process.exit(0); }, 500).unref();
    child.on('exit', () => process.exit(0));
}, (e) => fail(e.message));
