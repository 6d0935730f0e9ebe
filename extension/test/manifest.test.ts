// Checks package.json (the extension manifest) against the Go side: one
// version for the binary and the extension, and the file associations the
// server expects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

// The bundled test runs from out/test/; the repository root is two levels up.
const root = resolve(__dirname, '..', '..');

interface Manifest {
    version: string;
    main: string;
    engines: { vscode: string };
    contributes: { languages: { id: string; filenames?: string[]; filenamePatterns?: string[] }[] };
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
    it('has the version of internal/version', () => {
        const src = readFileSync(join(root, 'internal', 'version', 'version.go'), 'utf8');
        const m = /const Version = "([^"]+)"/.exec(src);
        assert.ok(m, 'internal/version/version.go declares no Version constant');
        assert.equal(manifest.version, m[1]);
    });
    it('installs in VS Code 1.100 (code-server 4.100.3)', () => {
        assert.equal(manifest.engines.vscode, '^1.100.0');
    });
    it('points main at the esbuild bundle', () => {
        assert.equal(manifest.main, './out/main.js');
    });
    it('associates the MCP config files with jsonc', () => {
        const jsonc = manifest.contributes.languages.find((l) => l.id === 'jsonc');
        assert.ok(jsonc, 'no jsonc language contribution');
        assert.deepEqual(jsonc.filenames, ['.mcp.json', 'mcp.json']);
        assert.deepEqual(jsonc.filenamePatterns, ['*.mcp.json']);
    });
});
