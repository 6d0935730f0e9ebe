// bootstrap.ts: finds the mcpls binary and checks that it runs. The order is
// the `mcpls.server.path` setting, then the __MCPLS_SERVER_DEBUG environment
// variable (for working on the server), then the binary bundled in the
// extension's bin/. The first source that is set wins: a wrong setting is an
// error to report, not a reason to silently run another binary.
//
// The resolution itself is pure (resolveServer, expandPath,
// parseVersionOutput) so that it is tested without VS Code.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export const DEBUG_ENV = '__MCPLS_SERVER_DEBUG';

export type ServerSource = 'setting' | 'env' | 'bundled';

export interface ServerCandidate {
    source: ServerSource;
    path: string;
}

export interface ResolveInput {
    /** The `mcpls.server.path` setting, undefined when unset. */
    settingPath: string | undefined;
    env: Readonly<Record<string, string | undefined>>;
    /** Where the extension is installed; the bundled binary is in its bin/. */
    extensionPath: string;
    platform: NodeJS.Platform;
    homeDir: string;
    /** The first workspace folder, for ${workspaceFolder} in the setting. */
    workspaceFolder: string | undefined;
}

/** Picks the binary to run, without touching the file system. */
export function resolveServer(input: ResolveInput): ServerCandidate {
    if (input.settingPath !== undefined) {
        return { source: 'setting', path: expandPath(input.settingPath, input.homeDir, input.workspaceFolder) };
    }
    const debug = input.env[DEBUG_ENV];
    if (debug !== undefined && debug.trim() !== '') {
        return { source: 'env', path: expandPath(debug.trim(), input.homeDir, input.workspaceFolder) };
    }
    const exe = input.platform === 'win32' ? 'mcpls.exe' : 'mcpls';
    return { source: 'bundled', path: path.join(input.extensionPath, 'bin', exe) };
}

/** Expands a leading `~` and `${workspaceFolder}`; leaves anything else as written. */
export function expandPath(p: string, homeDir: string, workspaceFolder: string | undefined): string {
    let out = p;
    if (out === '~' || out.startsWith('~/')) {
        out = homeDir + out.slice(1);
    }
    if (workspaceFolder !== undefined) {
        out = out.split('${workspaceFolder}').join(workspaceFolder);
    }
    return out;
}

/** The version in the output of `mcpls version` ("mcpls 0.1.0"), or undefined. */
export function parseVersionOutput(stdout: string): string | undefined {
    const m = /^mcpls\s+v?(\d+\.\d+\.\d+(?:[-+][\w.+-]*)?)\s*$/m.exec(stdout);
    return m?.[1];
}

/** Where a candidate came from, in words for error messages. */
export function describeSource(c: ServerCandidate): string {
    switch (c.source) {
        case 'setting':
            return 'the mcpls.server.path setting';
        case 'env':
            return `the ${DEBUG_ENV} environment variable`;
        case 'bundled':
            return 'the binary bundled with the extension';
    }
}

/**
 * Runs `mcpls version` on the candidate and returns the version it reports;
 * throws with what was tried when the binary is missing, fails or answers
 * something that is not mcpls.
 */
export async function checkServer(c: ServerCandidate, timeoutMs = 10_000): Promise<string> {
    const stdout = await new Promise<string>((resolve, reject) => {
        execFile(c.path, ['version'], { timeout: timeoutMs, windowsHide: true }, (err, out) => {
            if (err) {
                reject(new Error(`running ${c.path} (from ${describeSource(c)}): ${err.message}`));
                return;
            }
            resolve(out);
        });
    });
    const version = parseVersionOutput(stdout);
    if (version === undefined) {
        throw new Error(`${c.path} (from ${describeSource(c)}) is not mcpls: "${stdout.trim().slice(0, 80)}"`);
    }
    return version;
}
