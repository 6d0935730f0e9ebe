// config.ts: the extension's settings, typed. Every read of `mcpls.*`
// settings goes through Config so that names and defaults live in one place
// (package.json's contributes.configuration declares the same keys).
import * as vscode from 'vscode';

export const SECTION = 'mcpls';

/** Values of the LSP trace setting that vscode-languageclient understands. */
export type TraceLevel = 'off' | 'messages' | 'verbose';

export class Config {
    /** The `mcpls.server.path` setting, or undefined when unset or blank. */
    get serverPath(): string | undefined {
        const value = this.cfg().get<string | null>('server.path');
        return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    }

    get traceServer(): TraceLevel {
        return this.cfg().get<TraceLevel>('trace.server') ?? 'off';
    }

    /**
     * True when a change touches a setting that needs the server restarted
     * (the trace level is applied by the language client itself).
     */
    needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
        return event.affectsConfiguration(`${SECTION}.server`);
    }

    private cfg(): vscode.WorkspaceConfiguration {
        return vscode.workspace.getConfiguration(SECTION);
    }
}
