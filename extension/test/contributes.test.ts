// Checks package.json's contributions against the code: every command of
// commands.ts is declared and none is declared that the code lacks; no
// command id is one the language client registers itself (the server's
// commands); every setting settings.ts reads is declared with its default.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

import { commands } from '../src/lsp_ext';
import { DEFAULTS } from '../src/settings';

const root = resolve(__dirname, '..', '..');

interface Manifest {
    contributes: {
        commands: { command: string }[];
        configuration: { properties: Record<string, { default?: unknown }> };
        menus: Record<string, { command: string }[]>;
    };
    capabilities: { untrustedWorkspaces: { supported: unknown; restrictedConfigurations?: string[] } };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const declared = manifest.contributes.commands.map((c) => c.command).sort();

describe('contributes', () => {
    it('declares exactly the commands of commands.ts', () => {
        const src = readFileSync(join(root, 'extension', 'src', 'commands.ts'), 'utf8');
        const table = src.slice(src.indexOf('export const COMMANDS'), src.indexOf('export function registerCommands'));
        const ids = [...table.matchAll(/^ {4}'(mcpls\.[\w.]+)':/gm)].map((m) => m[1]).sort();
        assert.ok(ids.length > 5, 'found no command table in commands.ts');
        assert.deepEqual(declared, ids);
    });
    it('declares none of the server commands, which the language client registers', () => {
        for (const id of Object.values(commands)) {
            assert.ok(!declared.includes(id), `${id} would be registered twice`);
        }
    });
    it('menus name declared commands only', () => {
        for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
            for (const item of items) {
                assert.ok(declared.includes(item.command), `${menu}: ${item.command} is not declared`);
            }
        }
    });
    it('declares every setting with the default the code uses', () => {
        const props = manifest.contributes.configuration.properties;
        const want: Record<string, unknown> = {
            'mcpls.server.path': null,
            'mcpls.autoConnect': DEFAULTS.autoConnect,
            'mcpls.timeouts.connect': DEFAULTS.connectTimeoutMs / 1000,
            'mcpls.timeouts.request': DEFAULTS.requestTimeoutMs / 1000,
            'mcpls.console.level': DEFAULTS.consoleLevel,
            'mcpls.trace.server': DEFAULTS.traceServer,
        };
        assert.deepEqual(Object.keys(props).sort(), Object.keys(want).sort());
        for (const [key, def] of Object.entries(want)) {
            assert.deepEqual(props[key]?.default, def, key);
        }
    });
    it('is limited in untrusted workspaces and ignores the workspace server path there', () => {
        assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
        assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['mcpls.server.path']);
    });
});
