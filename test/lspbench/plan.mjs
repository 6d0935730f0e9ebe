#!/usr/bin/env node
// plan.mjs: writes the benchmark plan for a document made by lspbench's
// gen.mjs: the completion positions and the edits that both servers are
// measured on. Every edit renames the server of one saved request from "sN"
// to "xN", which is exactly one new diagnostic for both servers: mcpls reports
// a request naming an unknown server, vscode-json-language-server a value
// that breaks the schema's pattern ^s[0-9]+$.
//
//   node plan.mjs DOC.mcp.json PLAN.json [EDITS]
//
// The generated document is JSON.stringify(doc, null, 2): one member a line,
// so positions are found by line. Offsets are UTF-16 code units (JS string
// indices), as the driver expects; the text is ASCII.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [docPath, planPath, editsArg = '100'] = process.argv.slice(2);
if (!docPath || !planPath) {
    console.error('usage: node plan.mjs DOC.mcp.json PLAN.json [EDITS]');
    process.exit(2);
}
const text = readFileSync(docPath, 'utf8');
const lines = text.split('\n');
const lineStart = [];
for (let i = 0, off = 0; i < lines.length; i++) {
    lineStart.push(off);
    off += lines[i].length + 1;
}

// All lines matching re, as {line, match}.
function find(re) {
    const hits = [];
    lines.forEach((l, i) => {
        const m = re.exec(l);
        if (m) hits.push({ line: i, m });
    });
    if (hits.length === 0) throw new Error(`plan.mjs: no line matches ${re} in ${docPath}`);
    return hits;
}
const middle = (hits) => hits[Math.floor(hits.length / 2)];
// A position inside the quotes of the string that starts at column col.
function inside(label, what, line, col) {
    return { label, what, line, character: col + 1, offset: lineStart[line] + col + 1 };
}

const completions = [];
{
    // The first key of a stdio server entry in the middle of mcpServers.
    const servers = find(/^ {4}"s\d+": \{$/).filter((h) => /^ {6}"command":/.test(lines[h.line + 1]));
    const h = middle(servers);
    completions.push(inside('server-key', 'key of a stdio server entry', h.line + 1, 6));
}
const requestServers = find(/^ {6}"server": ("s\d+"),?$/);
{
    const h = middle(requestServers);
    completions.push(inside('request-key', 'key of a saved request', h.line, 6));
    completions.push(inside('request-server', 'value of a request\'s "server"', h.line, h.m.index + 16));
    const tool = h.line + 1;
    const m = /^ {6}"tool": "/.exec(lines[tool]);
    if (!m) throw new Error(`plan.mjs: line ${tool + 1} is not the request's tool`);
    completions.push(inside('request-tool', 'value of a request\'s "tool"', tool, m[0].length - 1));
}

const nEdits = Math.min(Number(editsArg), requestServers.length);
const edits = [];
for (let e = 0; e < nEdits; e++) {
    const h = requestServers[Math.floor(((e + 0.5) * requestServers.length) / nEdits)];
    const value = h.m[1];
    const col = lines[h.line].indexOf(value);
    const newText = `"x${value.slice(2)}`;
    edits.push({
        label: `request server ${value} := ${newText}`,
        offset: lineStart[h.line] + col, length: value.length, line: h.line, character: col,
        newText, expectNewDiagnostics: 1,
    });
}

writeFileSync(planPath, JSON.stringify({ generator: 'test/lspbench/plan.mjs', document: basename(docPath), completions, edits }, null, 2) + '\n');
console.log(`plan.mjs: ${completions.length} completion positions, ${edits.length} edits -> ${planPath}`);
