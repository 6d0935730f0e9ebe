// Tests of bootstrap.ts: which binary is chosen, path expansion, version
// parsing, and checkServer against small real executables.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { DEBUG_ENV, checkServer, expandPath, parseVersionOutput, resolveServer, type ResolveInput } from '../src/bootstrap';

const base: ResolveInput = {
    settingPath: undefined,
    env: {},
    extensionPath: '/ext',
    platform: 'linux',
    homeDir: '/home/u',
    workspaceFolder: '/ws',
};

describe('resolveServer', () => {
    const cases: { name: string; input: Partial<ResolveInput>; want: { source: string; path: string } }[] = [
        { name: 'bundled by default', input: {}, want: { source: 'bundled', path: '/ext/bin/mcpls' } },
        { name: 'bundled on windows has .exe', input: { platform: 'win32' }, want: { source: 'bundled', path: join('/ext', 'bin', 'mcpls.exe') } },
        { name: 'env var over bundled', input: { env: { [DEBUG_ENV]: '/dev/mcpls' } }, want: { source: 'env', path: '/dev/mcpls' } },
        { name: 'blank env var is ignored', input: { env: { [DEBUG_ENV]: '  ' } }, want: { source: 'bundled', path: '/ext/bin/mcpls' } },
        {
            name: 'setting over env var',
            input: { settingPath: '/opt/mcpls', env: { [DEBUG_ENV]: '/dev/mcpls' } },
            want: { source: 'setting', path: '/opt/mcpls' },
        },
        { name: 'setting with ~', input: { settingPath: '~/bin/mcpls' }, want: { source: 'setting', path: '/home/u/bin/mcpls' } },
        {
            name: 'setting with ${workspaceFolder}',
            input: { settingPath: '${workspaceFolder}/bin/mcpls' },
            want: { source: 'setting', path: '/ws/bin/mcpls' },
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.deepEqual(resolveServer({ ...base, ...c.input }), c.want);
        });
    }
});

describe('expandPath', () => {
    const cases: [string, string | undefined, string][] = [
        ['~', undefined, '/home/u'],
        ['~/x', undefined, '/home/u/x'],
        ['~user/x', undefined, '~user/x'],
        ['a/~/b', undefined, 'a/~/b'],
        ['${workspaceFolder}/x', undefined, '${workspaceFolder}/x'],
        ['${workspaceFolder}/x/${workspaceFolder}', '/w', '/w/x//w'],
    ];
    for (const [input, ws, want] of cases) {
        it(`${input} in ${ws ?? 'no folder'}`, () => {
            assert.equal(expandPath(input, '/home/u', ws), want);
        });
    }
});

describe('parseVersionOutput', () => {
    const cases: [string, string | undefined][] = [
        ['mcpls 0.1.0\n', '0.1.0'],
        ['mcpls v1.2.3', '1.2.3'],
        ['mcpls 1.2.3-rc.1\n', '1.2.3-rc.1'],
        ['warning: x\nmcpls 2.0.0\n', '2.0.0'],
        ['gopls 0.1.0', undefined],
        ['mcpls', undefined],
        ['', undefined],
    ];
    for (const [input, want] of cases) {
        it(JSON.stringify(input), () => {
            assert.equal(parseVersionOutput(input), want);
        });
    }
});

describe('checkServer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpls-bootstrap-'));
    after(() => {
        rmSync(dir, { recursive: true, force: true });
    });
    const script = (name: string, body: string): string => {
        const p = join(dir, name);
        writeFileSync(p, `#!/bin/sh\n${body}\n`);
        chmodSync(p, 0o755);
        return p;
    };
    const good = script('good', 'test "$1" = version && echo "mcpls 9.8.7"');
    const other = script('other', 'echo "something else 1.0.0"');
    const failing = script('failing', 'echo boom >&2; exit 3');

    it('returns the version of a working binary', async () => {
        assert.equal(await checkServer({ source: 'env', path: good }), '9.8.7');
    });
    it('rejects a binary that is not mcpls', async () => {
        await assert.rejects(checkServer({ source: 'setting', path: other }), /is not mcpls.*something else/);
    });
    it('rejects a binary that fails, naming the source', async () => {
        await assert.rejects(checkServer({ source: 'setting', path: failing }), /mcpls\.server\.path setting/);
    });
    it('rejects a missing binary', async () => {
        await assert.rejects(checkServer({ source: 'bundled', path: join(dir, 'missing') }), /bundled with the extension.*ENOENT/);
    });
});
