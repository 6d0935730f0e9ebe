// Tests of settings.ts, restart.ts, trust_model.ts, status_model.ts,
// console_format.ts and uri_template.ts: the small pure decisions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ServerStore } from '../src/catalog';
import { formatEvent, MAX_DATA } from '../src/console_format';
import type { ServerState } from '../src/lsp_ext';
import { RestartPolicy } from '../src/restart';
import { DEFAULTS, levelAtLeast, parseSettings, serverSettings } from '../src/settings';
import { statusOf } from '../src/status_model';
import { trustQuestion } from '../src/trust_model';
import { expandTemplate, templateVariables } from '../src/uri_template';

describe('parseSettings', () => {
    it('gives defaults when nothing is set', () => {
        assert.deepEqual(parseSettings(() => undefined), DEFAULTS);
    });
    it('reads valid values', () => {
        const raw: Record<string, unknown> = {
            'server.path': ' /opt/mcpls ', autoConnect: 'http', 'timeouts.connect': 5, 'timeouts.request': 0.5, 'console.level': 'warning', 'trace.server': 'verbose',
        };
        assert.deepEqual(parseSettings((k) => raw[k]), {
            serverPath: '/opt/mcpls', autoConnect: 'http', connectTimeoutMs: 5000, requestTimeoutMs: 500, consoleLevel: 'warning', traceServer: 'verbose',
        });
    });
    it('falls back on malformed values', () => {
        const raw: Record<string, unknown> = { 'server.path': '  ', autoConnect: 'always', 'timeouts.connect': -1, 'timeouts.request': 'x', 'console.level': 5 };
        assert.deepEqual(parseSettings((k) => raw[k]), DEFAULTS);
    });
    it('zero timeouts mean no limit', () => {
        assert.equal(parseSettings((k) => (k === 'timeouts.connect' ? 0 : undefined)).connectTimeoutMs, 0);
    });
    it('an untrusted workspace never auto-connects', () => {
        const timeouts = { connect: 30, request: 300 };
        assert.deepEqual(serverSettings({ ...DEFAULTS, autoConnect: 'all' }, false), { autoConnect: 'never', trusted: false, timeouts });
        assert.deepEqual(serverSettings({ ...DEFAULTS, autoConnect: 'all' }, true), { autoConnect: 'all', trusted: true, timeouts });
    });
    it('tells the server the timeouts in seconds, 0 for none', () => {
        assert.deepEqual(serverSettings({ ...DEFAULTS, connectTimeoutMs: 500, requestTimeoutMs: 0 }, true).timeouts, { connect: 0.5, request: 0 });
    });
    it('levelAtLeast', () => {
        assert.equal(levelAtLeast('debug', 'info'), false);
        assert.equal(levelAtLeast('error', 'warning'), true);
        assert.equal(levelAtLeast('strange', 'error'), true);
    });
});

describe('RestartPolicy', () => {
    it('backs off, then gives up, and forgets old crashes', () => {
        const p = new RestartPolicy(4, 60_000, 1000, 3000);
        assert.deepEqual([0, 1, 2].map((t) => p.crashed(t).delayMs), [1000, 2000, 3000]);
        assert.deepEqual(p.crashed(3), { delayMs: undefined, crashes: 4 });
        assert.deepEqual(p.crashed(200_000), { delayMs: 1000, crashes: 1 });
        p.reset();
        assert.equal(p.crashed(200_001).crashes, 1);
    });
});

function st(over: Partial<ServerState>): ServerState {
    return { uri: 'file:///ws/.mcp.json', name: 'demo', state: 'disconnected', transport: 'http', target: 'https://x.test/mcp', counts: { tools: 0, prompts: 0, resources: 0, templates: 0 }, ...over };
}

describe('trustQuestion', () => {
    const store = new ServerStore();
    store.update(st({}));
    store.update(st({ name: 'live', state: 'connected' }));
    store.update(st({ name: 'local', transport: 'stdio' }));
    const find = (uri: string, name: string) => store.get(uri, name);
    const uri = 'file:///ws/.mcp.json';
    const cases: { name: string; command: string; arg: unknown; trusted: boolean; want: RegExp | undefined }[] = [
        { name: 'trusted asks nothing', command: 'mcpls.connect', arg: { uri, server: 'demo' }, trusted: true, want: undefined },
        { name: 'connect asks with the target', command: 'mcpls.connect', arg: { uri, server: 'demo' }, trusted: false, want: /Connect to the MCP server "demo" at https:\/\/x\.test\/mcp\?/ },
        { name: 'an unknown server asks', command: 'mcpls.callTool', arg: { uri, server: 'new', target: 't' }, trusted: false, want: /"new"\?/ },
        { name: 'a connected server asks nothing', command: 'mcpls.callTool', arg: { uri, server: 'live', target: 't' }, trusted: false, want: undefined },
        { name: 'stdio is refused by the server, not asked', command: 'mcpls.connect', arg: { uri, server: 'local' }, trusted: false, want: undefined },
        { name: 'disconnect asks nothing', command: 'mcpls.disconnect', arg: { uri, server: 'demo' }, trusted: false, want: undefined },
        { name: 'a saved request asks per file', command: 'mcpls.callTool', arg: { uri, request: 0 }, trusted: false, want: /in \.mcp\.json/ },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const q = trustQuestion(c.command, c.arg, c.trusted, find);
            if (c.want === undefined) {
                assert.equal(q, undefined);
            } else {
                assert.match(q?.message ?? '', c.want);
            }
        });
    }
});

describe('statusOf', () => {
    it('counts connected servers and warns on attention', () => {
        const store = new ServerStore();
        store.update(st({ state: 'connected' }));
        assert.deepEqual(statusOf(true, store.all()), { text: '$(plug) MCP 1/1', tooltip: 'demo: connected', warning: false, error: false });
        store.update(st({ name: 'gh', state: 'needsAuth' }));
        const s = statusOf(true, store.all());
        assert.equal(s.text, '$(warning) MCP 1/2');
        assert.equal(s.warning, true);
        assert.match(s.tooltip, /gh: needs sign-in/);
    });
    it('shows a stopped server as an error', () => {
        assert.equal(statusOf(false, []).error, true);
    });
});

describe('formatEvent', () => {
    it('formats a message with timing and data', () => {
        assert.equal(formatEvent({ time: 't', server: 'demo', kind: 'recv', level: 'debug', method: 'tools/call', id: '3', message: '← result #3', elapsedMs: 12.345, data: { ok: true } }),
            '[demo] ← result #3 (12.3 ms) {"ok":true}');
    });
    it('names kind, method and id when there is no message', () => {
        assert.equal(formatEvent({ time: 't', server: 'demo', kind: 'send', level: 'debug', method: 'tools/list', id: '2', message: '', elapsedMs: 1500 }),
            '[demo] → tools/list #2 (1.50 s)');
    });
    it('cuts long data', () => {
        const line = formatEvent({ time: 't', server: 's', kind: 'event', level: 'info', message: '', data: 'x'.repeat(MAX_DATA + 10) });
        assert.match(line, /… \(12 more characters\)$/);
    });
});

describe('uri templates', () => {
    it('lists and expands variables', () => {
        assert.deepEqual(templateVariables('demo://users/{user}/notes/{note}{?q,user}'), ['user', 'note', 'q']);
        assert.equal(expandTemplate('demo://users/{user}/notes/{note}', { user: 'a b', note: 'x/y' }), 'demo://users/a%20b/notes/x%2Fy');
        assert.equal(expandTemplate('file://{+path}', { path: '/a b/c' }), 'file:///a%20b/c');
        assert.equal(expandTemplate('x://s{/a,b}{?q,r}{&s}', { a: '1', b: '2', q: 'x y', s: 'z' }), 'x://s/1/2?q=x%20y&s=z');
    });
});
