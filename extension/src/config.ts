// config.ts: the extension's settings, typed. Every read of `mcpls.*`
// settings goes through Config so that names and defaults live in one place
// (settings.ts parses them; package.json's contributes.configuration
// declares the same keys).
import * as vscode from 'vscode';

import { parseSettings, type Settings, type TraceLevel } from './settings';

export const SECTION = 'mcpls';

export type { TraceLevel };

export class Config {
    /** Every setting, read now. */
    get settings(): Settings {
        const cfg = vscode.workspace.getConfiguration(SECTION);
        return parseSettings((key) => cfg.get(key));
    }

    /** The `mcpls.server.path` setting, or undefined when unset or blank. */
    get serverPath(): string | undefined {
        return this.settings.serverPath;
    }

    get traceServer(): TraceLevel {
        return this.settings.traceServer;
    }

    /**
     * True when a change touches a setting that needs the server restarted
     * (the trace level is applied by the language client itself).
     */
    needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
        return event.affectsConfiguration(`${SECTION}.server`);
    }

    /** True when a change touches a setting the running server is told about. */
    affectsServerSettings(event: vscode.ConfigurationChangeEvent): boolean {
        return event.affectsConfiguration(`${SECTION}.autoConnect`) || event.affectsConfiguration(`${SECTION}.timeouts`);
    }
}
