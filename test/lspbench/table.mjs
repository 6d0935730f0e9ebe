#!/usr/bin/env node
// table.mjs: prints the benchmark table of issue 2 from two lspbench result
// files (mcpls first, then vscode-json-language-server) and checks mcpls
// against its targets. Exit 1 when a run failed or a target is missed.
//
//   node table.mjs results/mcpls.json results/vscode-json.json
import { existsSync, readFileSync } from 'node:fs';

const TARGETS = { open: 30, edit: 20, completion: 10, rss: 40 };

function load(path) {
    if (!existsSync(path)) return { ok: false, error: `no result file ${path}`, metrics: {} };
    return JSON.parse(readFileSync(path, 'utf8'));
}

// The driver writes {code, message}; a missing file gives a string.
const describeError = (e) => (typeof e === 'object' && e !== null ? `${e.message} (exit ${e.code})` : String(e ?? 'see its .txt'));

// The figures of one run, undefined where the run has none.
function figures(r) {
    const m = r.metrics ?? {};
    const completions = Object.keys(m).filter((k) => k.startsWith('completion['));
    const worst = completions.reduce((w, k) => Math.max(w, m[k].p99), completions.length ? 0 : NaN);
    return {
        open: m['open.warm']?.p50,
        openNet: m['open.warm.net']?.p50,
        edit: m.edit?.p50,
        editNet: m['edit.net']?.p50,
        completion: Number.isNaN(worst) ? undefined : worst,
        perCompletion: Object.fromEntries(completions.map((k) => [k.slice(11, -1), m[k].p99])),
        rss: r.rss?.VmRSS_MiB,
        hwm: r.rss?.VmHWM_MiB,
        edits: r.checks?.edits,
    };
}

const fmt = (x, unit = '') => (x === undefined || x === null ? 'n/a' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)}${unit}`);
const verdict = (x, max) => (x === undefined ? 'MISSING' : x <= max ? 'ok' : 'MISSED');

const [mcplsPath, jsonPath] = process.argv.slice(2);
if (!mcplsPath || !jsonPath) {
    console.error('usage: node table.mjs MCPLS.json VSCODE-JSON.json');
    process.exit(2);
}
const runs = { mcpls: load(mcplsPath), json: load(jsonPath) };
const f = { mcpls: figures(runs.mcpls), json: figures(runs.json) };

const doc = runs.mcpls.document ?? runs.json.document ?? {};
console.log(`document: ${doc.path ?? '?'} (${doc.bytes ? (doc.bytes / 1024).toFixed(0) : '?'} KiB, ${doc.lines ?? '?'} lines)`);
console.log(`host: ${runs.mcpls.host?.cpus ?? '?'} CPUs, load avg at start ${(runs.mcpls.host?.loadavg ?? []).map((x) => x.toFixed(1)).join(' ')}`);
console.log(`samples: mcpls ${runs.mcpls.options?.iterations ?? '?'}, vscode-json ${runs.json.options?.iterations ?? '?'} per metric`);
console.log('');

const rows = [
    ['open -> diagnostics p50 (ms)', f.mcpls.open, f.json.open, f.json.openNet, TARGETS.open, verdict(f.mcpls.open, TARGETS.open)],
    ['edit -> diagnostics p50 (ms)', f.mcpls.edit, f.json.edit, f.json.editNet, TARGETS.edit, verdict(f.mcpls.edit, TARGETS.edit)],
    ['completion p99, worst (ms)', f.mcpls.completion, f.json.completion, undefined, TARGETS.completion, verdict(f.mcpls.completion, TARGETS.completion)],
];
for (const label of Object.keys({ ...f.mcpls.perCompletion, ...f.json.perCompletion })) {
    rows.push([`  completion[${label}] p99`, f.mcpls.perCompletion[label], f.json.perCompletion[label], undefined, undefined, '']);
}
rows.push(['RSS at end (MiB)', f.mcpls.rss, f.json.rss, undefined, TARGETS.rss, verdict(f.mcpls.rss, TARGETS.rss)]);
rows.push(['  peak RSS, VmHWM (MiB)', f.mcpls.hwm, f.json.hwm, undefined, undefined, '']);

const header = ['metric', 'mcpls', 'vscode-json', 'vscode-json -500ms debounce', 'target', 'mcpls'];
const table = [header, ...rows.map(([l, a, b, c, t, v]) => [l, fmt(a), fmt(b), c === undefined ? '' : fmt(c), t === undefined ? '' : `<= ${t}`, v])];
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}
console.log('');

let failed = false;
for (const [name, r] of Object.entries(runs)) {
    const e = f[name].edits;
    const edits = e ? `, edits with exactly one new diagnostic: ${e.withExpectedCount ?? '?'}/${e.iterations}` : '';
    console.log(`${name}: ${r.ok ? 'ok' : `FAILED: ${describeError(r.error)}`}${edits}`);
    if (!r.ok) failed = true;
}
const missed = rows.filter((r) => r[5] === 'MISSED' || r[5] === 'MISSING').map((r) => r[0].trim());
if (missed.length) {
    console.log(`mcpls misses its targets: ${missed.join('; ')}`);
    failed = true;
}
process.exit(failed ? 1 : 0);
