#!/usr/bin/env node
// schema-doc.mjs: prepares the schema-driven benchmark (issue 4). From a
// document made by lspbench's gen.mjs and its schema it writes
//   - the same document with every mcpServers entry replaced by an http
//     entry of the same name whose url is URL (the demo server serving the
//     generated tools), so every request's catalog comes over the wire;
//   - a plan: completion positions (argument key, tool name) and edits that
//     each give one request argument a value of the wrong type (string ->
//     12345, number/integer -> "oops", boolean -> "yes"): exactly one new
//     wrong-type diagnostic for any validator.
//
//   node schema-doc.mjs GEN.mcp.json SCHEMA.json URL OUT.mcp.json OUT.plan.json [EDITS]
//
// Positions are 0-based lines and UTF-16 characters; the text is ASCII and
// JSON.stringify(doc, null, 2), one member a line.
import { readFileSync, writeFileSync } from 'node:fs';

const [genPath, schemaPath, url, docOut, planOut, editsArg = '100'] = process.argv.slice(2);
if (!planOut) {
    console.error('usage: node schema-doc.mjs GEN.mcp.json SCHEMA.json URL OUT.mcp.json OUT.plan.json [EDITS]');
    process.exit(2);
}
const gen = JSON.parse(readFileSync(genPath, 'utf8'));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const servers = {};
for (const name of Object.keys(gen.mcpServers)) servers[name] = { type: 'http', url };
const doc = { ...gen, mcpServers: servers };
const text = JSON.stringify(doc, null, 2) + '\n';
writeFileSync(docOut, text);

// Line of every request's first line, found in order.
const lines = text.split('\n');
const reqStart = [];
const reqLine = lines.findIndex((l) => l === '  "requests": [');
for (let i = reqLine + 1; i < lines.length; i++) if (lines[i] === '    {') reqStart.push(i);
if (reqStart.length !== doc.requests.length) throw new Error(`schema-doc: found ${reqStart.length} requests, the document has ${doc.requests.length}`);

const argSchema = (tool) => schema.definitions[`args_${tool}`];
const wrong = { string: '12345', integer: '"oops"', number: '"oops"', boolean: '"yes"' };

// The first scalar argument of request r whose schema has a single plain
// type we can break, as an edit; undefined if none.
function editFor(r) {
    const req = doc.requests[r];
    const props = argSchema(req.tool)?.properties ?? {};
    for (let i = reqStart[r]; i < lines.length && lines[i] !== '    },' && lines[i] !== '    }'; i++) {
        const m = /^ {8}"([^"]+)": (.+?),?$/.exec(lines[i]);
        if (!m || m[2] === '{' || m[2] === '[') continue;
        const p = props[m[1]];
        if (!p || typeof p.type !== 'string' || !wrong[p.type] || p.enum || p.const !== undefined) continue;
        const character = lines[i].indexOf(': ') + 2;
        return {
            label: `requests[${r}].arguments.${m[1]} (${p.type}) := ${wrong[p.type]}`,
            request: r, tool: req.tool, argument: m[1], schemaType: p.type,
            line: i, character, length: m[2].length, newText: wrong[p.type], expectNewDiagnostics: 1,
        };
    }
    return undefined;
}

const nEdits = Math.min(Number(editsArg), doc.requests.length);
const edits = [];
for (let e = 0; edits.length < nEdits && e < doc.requests.length; e++) {
    const r = Math.floor(((e + 0.5) * doc.requests.length) / nEdits) % doc.requests.length;
    const ed = editFor(r);
    if (ed && !edits.some((x) => x.request === r)) edits.push(ed);
}

// Completion: inside the first argument key and inside the tool value of the
// middle request that has arguments.
const mid = reqStart.findIndex((_, r) => r >= doc.requests.length / 2 && Object.keys(doc.requests[r].arguments ?? {}).length);
const completions = [];
for (let i = reqStart[mid]; ; i++) {
    if (/^ {6}"tool": "/.test(lines[i])) completions.push({ label: 'tool-name', line: i, character: 15, what: `value of requests[${mid}].tool` });
    if (/^ {8}"/.test(lines[i])) {
        completions.push({ label: 'args-key', line: i, character: 9, what: `first key of requests[${mid}].arguments (${doc.requests[mid].tool})` });
        break;
    }
}
writeFileSync(planOut, JSON.stringify({ generator: 'test/lspbench/schema-doc.mjs', url, completions, edits }, null, 2) + '\n');
console.log(`schema-doc: ${Object.keys(servers).length} http servers -> ${url}, ${doc.requests.length} requests, ${completions.length} completion positions, ${edits.length} edits`);
