// Tests of catalog.ts and tree_model.ts: the MCP view's nodes from
// mcp/serverState notifications.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeCatalog, ServerStore } from '../src/catalog';
import type { ServerState } from '../src/lsp_ext';
import { ago, annotationWords, argumentSkeleton, childNodes, md, rootNodes, type ItemNode, type Node } from '../src/tree_model';

const now = new Date('2026-11-26T12:00:00Z');

function state(over: Partial<ServerState>): ServerState {
    return {
        uri: 'file:///ws/.mcp.json', name: 'demo', state: 'connected', transport: 'http', target: 'http://127.0.0.1:7433/mcp',
        counts: { tools: 2, prompts: 1, resources: 1, templates: 1 },
        catalog: {
            serverInfo: { name: 'demo', version: '1' },
            tools: [
                { name: 'add', description: 'Adds two numbers.\nSecond line.', inputSchema: { type: 'object', properties: { a: { type: 'number', description: 'first' }, b: { type: 'number' } }, required: ['a', 'b'] }, annotations: { readOnlyHint: true } },
                { name: 'delete_item', title: 'Delete an item', annotations: { destructiveHint: true } },
                { description: 'no name: dropped' },
            ],
            prompts: [{ name: 'greet', arguments: [{ name: 'name', required: true }] }],
            resources: [{ uri: 'demo://readme', name: 'readme', mimeType: 'text/markdown' }],
            resourceTemplates: [{ uriTemplate: 'demo://items/{id}', name: 'item' }],
        },
        ...over,
    };
}

function at<T>(xs: T[], i: number): T {
    const x = xs[i];
    assert.ok(x !== undefined, `no item ${i}`);
    return x;
}

function labels(nodes: Node[]): string[] {
    return nodes.map((n) => `${n.label}|${n.description ?? ''}|${n.icon.id}|${n.contextValue}`);
}

describe('decodeCatalog', () => {
    it('keeps named items and drops the rest', () => {
        const c = decodeCatalog(state({}).catalog);
        assert.ok(c);
        assert.deepEqual(c.tools.map((t) => t.name), ['add', 'delete_item']);
        assert.equal(c.templates[0]?.uriTemplate, 'demo://items/{id}');
    });
    it('is undefined without a catalog', () => {
        assert.equal(decodeCatalog(undefined), undefined);
        assert.equal(decodeCatalog([1]), undefined);
    });
    it('names resources without a name by their URI', () => {
        assert.equal(decodeCatalog({ resources: [{ uri: 'x://y' }] })?.resources[0]?.name, 'x://y');
    });
});

describe('tree', () => {
    it('shows servers at the top with state, counts and icon', () => {
        const store = new ServerStore();
        store.update(state({}));
        store.update(state({ name: 'down', state: 'error', error: 'connection refused', catalog: undefined, counts: { tools: 0, prompts: 0, resources: 0, templates: 0 } }));
        assert.deepEqual(labels(rootNodes(store.all(), now)), [
            'demo|connected · 2 tools, 1 prompt, 2 resources|pass-filled|mcpls.server.connected',
            'down|error|error|mcpls.server.error',
        ]);
    });
    it('marks a cached catalog as offline', () => {
        const store = new ServerStore();
        store.update(state({ state: 'offline', cachedAt: '2026-11-26T11:55:00Z' }));
        const [server] = rootNodes(store.all(), now);
        assert.ok(server);
        assert.equal(server.description, 'offline · 2 tools, 1 prompt, 2 resources · cached 5 min ago');
        assert.equal(server.icon.id, 'cloud-offline');
        assert.match(server.tooltip ?? '', /from the cache, 5 min ago \(offline\)/);
    });
    it('groups per file when several files have servers', () => {
        const store = new ServerStore();
        store.update(state({}));
        store.update(state({ uri: 'file:///ws/other/b.mcp.json', name: 'b' }));
        const roots = rootNodes(store.all(), now);
        assert.deepEqual(roots.map((n) => n.label), ['ws/.mcp.json', 'other/b.mcp.json']);
        const second = roots[1];
        assert.ok(second);
        assert.deepEqual(childNodes(second, store.all(), now).map((n) => n.label), ['b']);
    });
    it('lists groups and items with descriptions and annotations', () => {
        const store = new ServerStore();
        const entry = store.update(state({}));
        const [server] = rootNodes([entry], now);
        assert.ok(server);
        const groups = childNodes(server, [entry], now);
        assert.deepEqual(labels(groups), [
            'Tools|2|tools|mcpls.group.tools',
            'Prompts|1|comment-discussion|mcpls.group.prompts',
            'Resources|1|file|mcpls.group.resources',
            'Resource templates|1|file-symlink-file|mcpls.group.templates',
        ]);
        const tools = childNodes(at(groups, 0), [entry], now) as ItemNode[];
        assert.deepEqual(labels(tools), ['add|Adds two numbers.|tools|mcpls.item.tool', 'delete_item|Delete an item|tools|mcpls.item.tool']);
        assert.equal(tools[1]?.icon.color, 'list.warningForeground');
        assert.match(tools[0]?.tooltip ?? '', /`a` \(number\) required — first/);
        assert.match(tools[0]?.tooltip ?? '', /Annotations: read-only/);
        const template = at(childNodes(at(groups, 3), [entry], now) as ItemNode[], 0);
        assert.equal(template.target, 'demo://items/{id}');
        assert.equal(template.kind, 'template');
    });
    it('escapes markdown from the server in tooltips', () => {
        const store = new ServerStore();
        const entry = store.update(state({ name: 'x', error: '[click](command:evil) $(bug)', state: 'error' }));
        const [server] = rootNodes([entry], now);
        assert.ok(server?.tooltip?.includes('\\[click\\]\\(command:evil\\) \\$\\(bug\\)'));
    });
    it('shows an automatic connect waiting for its turn as queued, with Connect inline', () => {
        const store = new ServerStore();
        const entry = store.update(state({ state: 'connecting', queued: true, cachedAt: '2026-11-26T11:55:00Z' }));
        const [server] = rootNodes([entry], now);
        assert.ok(server);
        assert.equal(server.description, 'queued to connect · 2 tools, 1 prompt, 2 resources · cached 5 min ago');
        assert.equal(server.icon.id, 'clock');
        assert.equal(server.contextValue, 'mcpls.server.connecting.queued');
        assert.match(server.tooltip ?? '', /— queued to connect/);
    });
    it('has a signedIn context for servers signed in', () => {
        const store = new ServerStore();
        const entry = store.update(state({ auth: { kind: 'oauth', signedIn: true, issuer: 'https://auth.example.com' } }));
        assert.equal(rootNodes([entry], now)[0]?.contextValue, 'mcpls.server.connected.signedIn');
    });
});

describe('helpers', () => {
    it('annotationWords', () => {
        assert.deepEqual(annotationWords({ readOnlyHint: true, destructiveHint: false, audience: ['user'], priority: 0.5 }), ['read-only', 'not destructive', 'audience: user', 'priority 0.5']);
    });
    it('argumentSkeleton fills required properties', () => {
        assert.deepEqual(argumentSkeleton({ properties: { a: { type: 'number' }, s: { type: 'string', enum: ['x', 'y'] }, o: { type: 'string' }, d: { type: 'boolean', default: true } }, required: ['a', 's', 'd'] }), { a: 0, s: 'x', d: true });
        assert.deepEqual(argumentSkeleton(undefined), {});
    });
    const agoCases: [string, string][] = [
        ['2026-11-26T11:59:30Z', 'just now'], ['2026-11-26T10:00:00Z', '2 h ago'], ['2026-11-20T12:00:00Z', '6 days ago'], ['nope', 'earlier'],
    ];
    for (const [at, want] of agoCases) {
        it(`ago ${at}`, () => {
            assert.equal(ago(at, now), want);
        });
    }
    it('md escapes', () => {
        assert.equal(md('a*b_[c]'), 'a\\*b\\_\\[c\\]');
    });
});
